/** Who is calling: resolved from the bearer key by the API's auth guard. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: 'admin' | 'user';
}
