/** E.164 as the Provisioning Platform stores numbers: `+`, country code, at most 15 digits. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

// RFC 3966 visual separators; they carry no meaning inside a global number.
const VISUAL_SEPARATORS = /[-.()]/g;

/**
 * The E.164 form of a number as it appears in signalling, or null when it is
 * not a global number. Accepted forms:
 *   +15551234567                               already E.164
 *   tel:+1-555-123-4567;ext=12                 RFC 3966: parameters dropped, separators removed
 *   sip:+15551234567@sbc.example.com;user=phone  SIP/SIPS URI whose user part is a global number
 * Local numbers (no `+`, or a tel: URI with phone-context) are refused rather
 * than guessed at: which country they belong to is the dialling plan's call.
 * Spaces are not accepted: they appear in neither URIs nor the stored numbers.
 */
export function normaliseTelephoneNumber(input: string): string | null {
  let candidate = input.trim();
  const scheme = /^(tel|sips?):/i.exec(candidate);
  if (scheme !== null) {
    candidate = candidate.slice(scheme[0].length);
    const isSip = scheme[1]?.toLowerCase() !== 'tel';
    if (isSip) candidate = candidate.split('@')[0] ?? '';
    // RFC 3261 allows tel parameters inside the SIP user part too (`;isub=`, `;ext=`).
    candidate = (candidate.split(';')[0] ?? '').replace(VISUAL_SEPARATORS, '');
  }
  return E164_PATTERN.test(candidate) ? candidate : null;
}
