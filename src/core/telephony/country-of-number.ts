/**
 * ISO 3166 country of an E.164 number, for the consent's country check: the
 * reconciler holds an upload whose consent does not cover the number's
 * country, and the simulator refuses it, as Teams does. The table covers the
 * countries operators have consented to so far; outside it the answer is
 * undefined: the reconciler then sends the upload and leaves the check to the
 * backend, and the simulator fails the number with UnknownCountryCode, as
 * Teams reports `unknown_country_code` (reference §1.4). Pure: no I/O.
 */

/** Canadian area codes inside the North American Numbering Plan (+1); the rest of +1 is US here. */
const CANADIAN_AREA_CODES = new Set([
  '204',
  '226',
  '236',
  '249',
  '250',
  '263',
  '289',
  '306',
  '343',
  '354',
  '365',
  '367',
  '368',
  '382',
  '403',
  '416',
  '418',
  '428',
  '431',
  '437',
  '438',
  '450',
  '468',
  '474',
  '506',
  '514',
  '519',
  '548',
  '579',
  '581',
  '584',
  '587',
  '604',
  '613',
  '639',
  '647',
  '672',
  '683',
  '705',
  '709',
  '742',
  '753',
  '778',
  '780',
  '782',
  '807',
  '819',
  '825',
  '867',
  '873',
  '879',
  '902',
  '905',
]);

/** Longest prefix first is not needed: no prefix below is a prefix of another. */
const PREFIXES: Readonly<Record<string, string>> = {
  '44': 'GB',
  '49': 'DE',
  '33': 'FR',
  '61': 'AU',
  '31': 'NL',
  '34': 'ES',
  '39': 'IT',
  '41': 'CH',
  '43': 'AT',
  '45': 'DK',
  '46': 'SE',
  '47': 'NO',
  '32': 'BE',
  '48': 'PL',
  '64': 'NZ',
  '65': 'SG',
  '81': 'JP',
  '91': 'IN',
  '27': 'ZA',
  '52': 'MX',
  '55': 'BR',
  '353': 'IE',
  '351': 'PT',
  '358': 'FI',
  '352': 'LU',
  '420': 'CZ',
  '971': 'AE',
  '852': 'HK',
};

export function countryOf(telephoneNumber: string): string | undefined {
  const digits = telephoneNumber.replace(/^\+/, '');
  if (digits.startsWith('1')) return CANADIAN_AREA_CODES.has(digits.slice(1, 4)) ? 'CA' : 'US';
  for (const length of [1, 2, 3]) {
    const country = PREFIXES[digits.slice(0, length)];
    if (country) return country;
  }
  return undefined;
}

/** Consents in the wild say "UK" for GB (the ACG example does); treat them as one. */
export function consentCovers(consentedCountries: readonly string[], country: string): boolean {
  const normalised = consentedCountries.map((c) => (c.toUpperCase() === 'UK' ? 'GB' : c.toUpperCase()));
  return normalised.includes(country);
}
