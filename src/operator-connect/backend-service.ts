/**
 * Which service a call goes to, as its messages and User-Agent name it: the
 * executor, its errors and its token health serve Operator Connect direct and
 * Azure Communications Gateway's Provisioning API alike.
 */
export interface BackendService {
  /** In messages: "<name> <operation> failed: …". */
  readonly name: string;
  readonly userAgent: string;
}

export const OPERATOR_CONNECT_SERVICE: BackendService = { name: 'Operator Connect', userAgent: 'flowthrough-operator-connect' };

export const ACG_PROVISIONING_SERVICE: BackendService = { name: 'ACG Provisioning API', userAgent: 'flowthrough-acg-provisioning' };
