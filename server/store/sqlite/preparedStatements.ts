import type { SqlDatabase, SqlStatement } from "../sql/types";

/**
 * Each SQL text prepared once per connection and reused: preparing costs more than running the
 * short, indexed statements the stores issue (the credential GET path spent more time in
 * `prepare` than in the query). Every text is a constant of the code, so the cache is bounded.
 * Statements are never switched to pluck/raw/expand mode, so sharing them is safe.
 */
export class PreparedStatements {
  private readonly cache = new Map<string, SqlStatement>();

  constructor(private readonly db: SqlDatabase) {}

  get(sql: string): SqlStatement {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
