import type { TrustInstall } from '../trust-record.js';

/** What one store did, said to the user exactly (stdout for changes, stderr for the rest). */
export type Step =
  | { kind: 'installed'; install: TrustInstall; detail: string }
  /** Already there from an earlier `dual trust`: recorded, nothing changed. */
  | { kind: 'present'; install: TrustInstall; detail: string }
  | { kind: 'removed'; install: TrustInstall; detail: string }
  /** Not done, and why, with the command that would do it where privilege is missing. */
  | { kind: 'skipped'; detail: string }
  | { kind: 'failed'; detail: string; install?: TrustInstall };

export interface CaFile {
  /** The CA certificate in DUAL_HOME. */
  file: string;
  pem: string;
  fingerprint: string;
}

/** `dual-<first 16 hex of sha256>`: stable per CA, tells two DUAL_HOMEs' CAs apart. */
export function storeName(fingerprint: string): string {
  return `dual-${fingerprint.slice(0, 16)}`;
}
