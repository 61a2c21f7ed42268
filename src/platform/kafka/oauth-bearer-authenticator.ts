import kafkajs, { type AuthenticationProviderArgs, type Authenticator, type OauthbearerProviderResponse } from 'kafkajs';

// kafkajs is CommonJS and Node cannot see its error classes as named exports.
const { KafkaJSSASLAuthenticationError } = kafkajs;

const SOH = '\u0001';

/** A SASL message as kafkajs sends it: int32 length, then the bytes. */
function saslBytes(text: string): { encode: () => Buffer } {
  const body = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length);
  return { encode: () => Buffer.concat([length, body]) };
}

/** The server's bytes: kafkajs hands them on length-prefixed, as the first SASL mechanisms expected. */
const serverBytes = {
  decode: (bytes: Buffer) => (bytes.length >= 4 ? bytes.subarray(4, 4 + Math.max(0, bytes.readInt32BE(0))) : Buffer.alloc(0)),
  parse: (bytes: Buffer) => bytes,
};

/**
 * SASL/OAUTHBEARER (RFC 7628) as Kafka speaks it, in place of kafkajs' own,
 * which reads the server's answer as success whatever it says: a refused
 * token then surfaced as a closed connection ("No brokers in the broker
 * pool"). A refusal is a non-empty challenge (JSON, e.g.
 * {"status":"invalid_token"}); the client must answer it with a single SOH,
 * after which the broker fails the exchange. The refusal is told as a SASL
 * authentication error carrying the broker's status, so it reads as a login
 * problem, not an outage.
 */
export function oauthBearerAuthenticator(token: () => Promise<OauthbearerProviderResponse>) {
  return ({ host, port, logger, saslAuthenticate }: AuthenticationProviderArgs): Authenticator => ({
    async authenticate() {
      const { value } = await token();
      const broker = `${host}:${port}`;
      const challenge = await saslAuthenticate<Buffer>({
        request: saslBytes(`n,,${SOH}auth=Bearer ${value}${SOH}${SOH}`),
        response: serverBytes,
      });
      if (!challenge || challenge.length === 0) {
        logger.debug('SASL OAUTHBEARER authentication successful', { broker });
        return;
      }
      const status = challenge.toString('utf8');
      let detail = '';
      try {
        await saslAuthenticate({ request: saslBytes(SOH) });
      } catch (error) {
        detail = `: ${(error as Error).message}`;
      }
      // kafkajs' typings declare no constructor arguments; the class passes its message on to Error.
      const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
      throw new SaslError(`SASL OAUTHBEARER authentication failed: the broker refused the token ${status}${detail}`);
    },
  });
}
