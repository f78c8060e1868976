/**
 * The console's built-in badge designer: a shape, two colours, up to two lines of text and an
 * icon become one SVG, rendered here on the server from validated choices only (no markup
 * from the form reaches the file), then stored and served like an uploaded image.
 */
import { z } from "zod";

export const BADGE_SHAPES = ["circle", "shield", "hexagon", "square"] as const;
export const BADGE_ICONS = ["none", "star", "book", "check", "cap"] as const;

const colour = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour such as #1d4ed8").transform((c) => c.toLowerCase());

export const badgeDesign = z
  .object({
    shape: z.enum(BADGE_SHAPES),
    background: colour,
    foreground: colour,
    text: z.string().trim().min(1, "must not be empty").max(24, "must be at most 24 characters"),
    subtext: z.string().trim().max(32, "must be at most 32 characters").default(""),
    icon: z.enum(BADGE_ICONS),
  })
  .strict();

export type BadgeDesign = z.infer<typeof badgeDesign>;

const SHAPES: Record<BadgeDesign["shape"], string> = {
  circle: '<circle cx="200" cy="200" r="190"/>',
  shield: '<path d="M200 10 L370 70 L370 200 C370 300 290 360 200 390 C110 360 30 300 30 200 L30 70 Z"/>',
  hexagon: '<polygon points="200,10 365,105 365,295 200,390 35,295 35,105"/>',
  square: '<rect x="15" y="15" width="370" height="370" rx="48"/>',
};

const ICONS: Record<BadgeDesign["icon"], string> = {
  none: "",
  star: '<polygon points="200,70 218,118 270,120 229,152 244,202 200,173 156,202 171,152 130,120 182,118"/>',
  book: '<path d="M130 90 L195 105 L195 195 L130 180 Z M205 105 L270 90 L270 180 L205 195 Z"/>',
  check: '<path d="M140 140 L180 180 L265 95 L282 112 L180 214 L123 157 Z"/>',
  cap: '<path d="M200 80 L290 120 L200 160 L110 120 Z M145 140 L145 180 C170 200 230 200 255 180 L255 140 L200 165 Z"/>',
};

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The SVG of a design; `design` must have passed `badgeDesign` (the route parses it first). */
export function renderBadgeSvg(design: BadgeDesign, title: string): string {
  const hasIcon = design.icon !== "none";
  const textY = hasIcon ? 262 : 215;
  const size = design.text.length > 14 ? 30 : 40;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400">',
    `<title>${escapeText(title)}</title>`,
    `<g fill="${design.background}" stroke="${design.foreground}" stroke-width="8">${SHAPES[design.shape]}</g>`,
    hasIcon ? `<g fill="${design.foreground}">${ICONS[design.icon]}</g>` : "",
    `<text x="200" y="${textY}" text-anchor="middle" font-family="Pretendard, Noto Sans KR, sans-serif" font-weight="700" font-size="${size}" fill="${design.foreground}">${escapeText(design.text)}</text>`,
    design.subtext
      ? `<text x="200" y="${textY + 42}" text-anchor="middle" font-family="Pretendard, Noto Sans KR, sans-serif" font-size="24" fill="${design.foreground}">${escapeText(design.subtext)}</text>`
      : "",
    "</svg>",
  ].join("");
}
