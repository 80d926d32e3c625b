import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Secrets the server must read back (order-webhook secrets, third-party keys), sealed at rest
 * with AES-256-GCM under a key from configuration (SECRETS_KEY). A sealed value is
 * `sb1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`: the key id says which key sealed it, so
 * SECRETS_KEY can rotate while SECRETS_KEY_PREVIOUS still opens older values. Each value is
 * bound to its context (what it is and whose: `order-webhook-secret:<merchant id>`), so a sealed
 * value copied into another row does not open there.
 */
export class SecretsBox {
  private readonly keys = new Map<string, Buffer>();
  /** SECRETS_KEY, then SECRETS_KEY_PREVIOUS. */
  private readonly secrets: string[] = [];
  /** The id of the key new values are sealed with. */
  readonly keyId: string;

  constructor(current: string, previous?: string) {
    this.keyId = this.add(current);
    if (previous !== undefined) this.add(previous);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${this.keyId}:${body.toString('base64url')}`;
  }

  /** The plaintext of a sealed value; throws SecretsBoxError when it cannot be opened here. */
  open(sealed: string, context: string): string {
    const [version, keyId, payload] = sealed.split(':');
    if (`${version}:` !== PREFIX || !keyId || !payload) throw new SecretsBoxError(`${context}: not a sealed value`);
    const key = this.keys.get(keyId);
    if (!key) throw new SecretsBoxError(`${context}: sealed with key ${keyId}, which is neither SECRETS_KEY (${this.keyId}) nor SECRETS_KEY_PREVIOUS`, keyId);
    const body = Buffer.from(payload, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new SecretsBoxError(`${context}: sealed value is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretsBoxError(`${context}: sealed value does not authenticate (altered, or sealed for another row)`);
    }
  }

  /** Whether a stored value is sealed with the current key (else it should be sealed again). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${PREFIX}${this.keyId}:`);
  }

  /**
   * Keys for an HMAC (e.g. a signed cookie), derived for `purpose` apart from the cipher's and
   * from each other's: the one under SECRETS_KEY first (sign with it), then the one under
   * SECRETS_KEY_PREVIOUS (still verifies during a rotation).
   */
  hmacKeys(purpose: string): Buffer[] {
    return this.secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `sorae hmac v1 ${purpose}`, 32)));
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  private add(secret: string): string {
    this.secrets.push(secret);
    // The id is derived apart from the cipher key, so publishing it says nothing about the key.
    const id = createHmac('sha256', secret).update('sorae secrets-box key id').digest('base64url').slice(0, 10);
    this.keys.set(id, Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'sorae secrets-box v1 aes-256-gcm', 32)));
    return id;
  }
}

export class SecretsBoxError extends Error {
  constructor(
    message: string,
    /** Set when the value was sealed with a key this box does not hold. */
    readonly unknownKeyId?: string,
  ) {
    super(message);
  }
}

const PREFIX = 'sb1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DEV_KEY_FILE = 'secrets.key';

/**
 * The box for this process. Without SECRETS_KEY (never in production: config refuses it) the
 * key is kept in DATA_DIR/secrets.key, made on the first start, so a restarted demo still opens
 * what it sealed.
 */
export function openSecretsBox(config: { secrets: { key?: string; previousKey?: string }; dataDir: string }): SecretsBox {
  return new SecretsBox(config.secrets.key ?? devKey(config.dataDir), config.secrets.previousKey);
}

function devKey(dataDir: string): string {
  const file = join(dataDir, DEV_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  // Written whole, then linked into place: processes starting together agree on one key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}
