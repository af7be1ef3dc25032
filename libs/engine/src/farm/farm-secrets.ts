import { createHash, randomBytes } from 'node:crypto';

/** Enrollment tokens and agent secrets are random, shown once, stored as SHA-256 (like API keys). */
export const newEnrollmentToken = (): string => `tfe_${randomBytes(24).toString('base64url')}`;
export const newAgentSecret = (): string => `tfa_${randomBytes(32).toString('base64url')}`;
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');
/** Enough to recognise a token in a list without revealing it. */
export const secretPrefix = (secret: string): string => secret.slice(0, 10);
