import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createSelfSignedCertificate } from '../../../src/simulator/self-signed-certificate.js';

test('the self-signed certificate parses, verifies itself and names localhost and the loopback addresses', () => {
  const { certificatePem } = createSelfSignedCertificate({ commonName: 'test', hosts: ['localhost', '127.0.0.1', '::1'] });
  const certificate = new X509Certificate(certificatePem);
  assert.equal(certificate.subject, 'CN=test');
  assert.equal(certificate.issuer, 'CN=test');
  assert.ok(certificate.verify(certificate.publicKey));
  assert.equal(certificate.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.ok(certificate.checkHost('localhost'));
  assert.ok(certificate.checkIP('127.0.0.1'));
  assert.ok(new Date(certificate.validTo).getTime() > Date.now() + 300 * 86_400_000);
});

test('a TLS client that trusts the PEM completes the handshake', async (t) => {
  const { certificatePem, privateKeyPem } = createSelfSignedCertificate({ commonName: 'test', hosts: ['127.0.0.1'] });
  const server = createServer({ cert: certificatePem, key: privateKeyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const body = await new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', ca: certificatePem, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.equal(body, 'ok');
  await assert.rejects(
    new Promise((resolve, reject) => get({ host: '127.0.0.1', port, path: '/', agent: false }, resolve).on('error', reject)),
    /self-signed certificate/,
  );
});
