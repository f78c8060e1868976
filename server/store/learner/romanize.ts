/**
 * Korean names in Latin letters, for public handles ("김민지" → "kim-minji").
 *
 * Revised Romanization of Korean (Ministry of Culture and Tourism notice 2000-8), applied as
 * its rule for personal names asks: syllable by syllable, with no sound change between
 * syllables, the family name apart from the given name. A precomposed Hangul syllable
 * (U+AC00–U+D7A3) is (initial · 21 + medial) · 28 + final (Unicode ch. 3.12, "Hangul
 * Syllable Decomposition"). Family names written one conventional way by almost every bearer
 * (김 Kim, 이 Lee, 박 Park, …) use that spelling; the rest follow the system.
 */

const FIRST = 0xac00;
const LAST = 0xd7a3;

/** The 19 initial consonants, in Unicode order; ㅇ is silent at the start of a syllable. */
const INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"];
/** The 21 vowels. */
const MEDIALS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"];
/** The 28 finals (index 0: none) as pronounced at the end of a syllable: k, n, t, l, m, p, ng. */
const FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"];

/** Family names with one spelling used by almost everyone who bears them (passport practice). */
const FAMILY_NAMES: Record<string, string> = {
  김: "kim", 이: "lee", 박: "park", 최: "choi", 정: "jung", 강: "kang", 조: "cho", 윤: "yoon", 장: "jang", 임: "lim",
  한: "han", 오: "oh", 서: "seo", 신: "shin", 권: "kwon", 황: "hwang", 안: "ahn", 송: "song", 유: "yoo", 홍: "hong",
  전: "jeon", 고: "ko", 문: "moon", 양: "yang", 손: "son", 배: "bae", 백: "baek", 허: "heo", 노: "noh", 남: "nam",
};

/** Two-syllable family names; a three- or four-syllable name starting with one is split after it. */
const DOUBLE_FAMILY_NAMES = new Set(["남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"]);

export function isHangulSyllable(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code >= FIRST && code <= LAST;
}

/** One syllable by the system (no conventional spellings). */
export function romanizeSyllable(ch: string): string {
  const index = (ch.codePointAt(0) ?? 0) - FIRST;
  if (index < 0 || index > LAST - FIRST) return ch;
  return INITIALS[Math.floor(index / 588)]! + MEDIALS[Math.floor((index % 588) / 28)]! + FINALS[index % 28]!;
}

/** A run of syllables, each romanised on its own (the personal-name rule: no assimilation). */
export function romanizeWord(word: string): string {
  return Array.from(word, (ch) => (isHangulSyllable(ch) ? romanizeSyllable(ch) : ch)).join("");
}

/**
 * A Korean personal name as "family-given" ("김민지" → "kim-minji", "남궁민수" → "namgung-minsu").
 * A name already written with spaces keeps its words ("김 민지" → "kim-minji"); other letters
 * pass through as they are.
 */
export function romanizeKoreanName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const parts: string[] = [];
  const family = (word: string) => FAMILY_NAMES[word] ?? romanizeWord(word);
  if (words.length === 1 && Array.from(words[0]!).every(isHangulSyllable)) {
    const syllables = Array.from(words[0]!);
    if (syllables.length >= 2) {
      const split = syllables.length >= 3 && DOUBLE_FAMILY_NAMES.has(syllables.slice(0, 2).join("")) ? 2 : 1;
      parts.push(family(syllables.slice(0, split).join("")), romanizeWord(syllables.slice(split).join("")));
      return parts.join("-");
    }
  }
  words.forEach((word, i) => parts.push(i === 0 && words.length > 1 && Array.from(word).every(isHangulSyllable) ? family(word) : romanizeWord(word)));
  return parts.join("-");
}
