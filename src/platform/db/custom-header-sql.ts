/**
 * The custom SIP header lookup's statement (custom-header-query.ts), on the
 * numbers the intake writes.
 */

/**
 * $1 telephone_number (E.164). A deleted number is not provisioned: it gets
 * no header, whatever contents it had.
 */
export const SELECT_CUSTOM_SIP_HEADER = `
  SELECT custom_sip_header FROM numbers
   WHERE telephone_number = $1 AND deleted_at IS NULL`;
