/** Where the copied JWKS lives (a Secrets Manager secret in AWS): the copier writes it, the authorizer reads it. */
export interface JwksStore {
  /** The stored text, or undefined when nothing has been stored yet. */
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}
