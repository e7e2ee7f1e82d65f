import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { named } from "../tags";

/**
 * The special characters of every generated password and token: "-", "!" and
 * "&". One set serves every consumer, because each value lands in more than one
 * (a master password goes to RDS or DocumentDB, Secrets Manager, an unencoded
 * SQLAlchemy URL for MLflow, Npgsql and libpq key=value strings, PgBouncer's
 * userlist.txt and DBOPS_* variables; the AUTH token to ElastiCache and a Redis
 * client). Each character is in all of these:
 * - ElastiCache AUTH allows only letters, digits and ! & # $ ^ < > -
 *   (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html), which
 *   bounds the set from above; of those:
 *   - "-" is RFC 3986 "unreserved": literal anywhere in a URL.
 *   - "!" and "&" are RFC 3986 sub-delims, allowed unencoded in a URL's userinfo
 *     (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1); SQLAlchemy's URL
 *     parser takes everything up to "@" as the password.
 *   - "#" starts a URL's fragment, so an unencoded URL breaks: excluded.
 *   - "$" must be percent-encoded in a MongoDB connection string's userinfo
 *     (https://www.mongodb.com/docs/manual/reference/connection-string/), and
 *     Kubernetes reduces "$$" to "$" in env values: excluded.
 *   - "^", "<" and ">" are not allowed in URLs at all (RFC 3986 has no place for
 *     them; strict parsers refuse them): excluded.
 * - RDS and Aurora master passwords: printable ASCII except / ' " @ and space
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/CHAP_Limits.html#RDS_Limits.Constraints);
 *   DocumentDB: printable ASCII except / " @
 *   (https://docs.aws.amazon.com/documentdb/latest/developerguide/limits.html#limits-naming_constraints).
 *   "-", "!" and "&" are allowed by both.
 * - libpq key=value strings need quoting for space, ' and \, Npgsql/ADO.NET ones
 *   for ; and quotes
 *   (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE);
 *   PgBouncer's userlist.txt quotes with " (https://www.pgbouncer.org/config.html#authentication-file-format).
 *   None of "-", "!" and "&" needs quoting there.
 * 40 characters from 65 symbols are over 240 bits; a 64-character token over 380.
 *
 * Changing this set changes random.RandomPassword's overrideSpecial, which
 * replaces the generator (ForceNew in terraform-provider-random): the next `up`
 * generates a new value for every password and token of the stack and updates
 * each consumer in place, never replacing a store: Aurora and DocumentDB change
 * their master password (ModifyDBCluster; new connections need the new one at
 * once), the cache applies the new token with its authTokenUpdateStrategy (with
 * ROTATE the old token keeps working until a later SET), Secrets Manager stores
 * a new secret version, the in-cluster Secrets are rewritten, and the pods that
 * read them must restart. The DR stack takes prod's values through its stack
 * reference and follows on its next `up`.
 */
export const CREDENTIAL_SPECIALS = "-!&";

/**
 * Keepers for a credential of the given generation (a rotation counter in config). Any change of a
 * RandomPassword's keepers generates a new value (keepers is ForceNew: terraform-provider-random
 * internal/provider/resource_password.go, RequiresReplaceIfConfigured; engine/provider/random.ts), and
 * only the generator is replaced: each store takes the new value in place.
 *
 * `firstWithoutKeepers`: for a password that existed before it had a rotation counter (the Aurora and
 * DocumentDB master passwords), generation 1 declares no keepers, as before, so that introducing the
 * counter rotates nothing; from generation 2 on the keepers carry it.
 */
export function rotationKeepers(generation: number, firstWithoutKeepers = false): Record<string, string> | undefined {
    if (!Number.isInteger(generation) || generation < 1) throw new Error(`credential generation ${generation}: must be a whole number of at least 1`);
    return firstWithoutKeepers && generation === 1 ? undefined : { rotation: String(generation) };
}

export interface GeneratedPasswordOptions {
    /** @default 40 */
    length?: number;
    /** Values whose change generates a new password (e.g. a rotation counter). @default none */
    keepers?: Record<string, string>;
}

/**
 * A generated password or token (a Pulumi secret: encrypted in state, masked in
 * every output). For databases it is used instead of an RDS-managed master
 * password on purpose: those cannot be used with global clusters, which the DR
 * design depends on. The character set (CREDENTIAL_SPECIALS) suits RDS,
 * DocumentDB, ElastiCache AUTH and every connection string the platform builds.
 *
 * Changing the length, character rules or keepers generates a new value on the
 * next `up`, which updates the store in place; it does not replace the store.
 */
export function generatedPassword(
    name: string,
    parent: pulumi.Resource,
    options: GeneratedPasswordOptions = {},
): pulumi.Output<string> {
    const password = new random.RandomPassword(
        name,
        {
            length: options.length ?? 40,
            keepers: options.keepers,
            special: true,
            overrideSpecial: CREDENTIAL_SPECIALS,
            minLower: 2,
            minUpper: 2,
            minNumeric: 2,
            minSpecial: 2,
        },
        { parent },
    );
    // The provider marks `result` secret too; saying so here keeps it secret
    // wherever the value flows, whatever the provider version does.
    return pulumi.secret(password.result);
}

export interface ConnectionSecretArgs {
    /**
     * The secret's name in Secrets Manager; applications and runbooks look it up by this.
     * @example "mlops/prod/aurora/master"
     */
    secretName: string;
    description: string;
    /** The CMK that encrypts the secret. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * The secret value: connection details in the JSON shape RDS rotation
     * functions use (`engine`, `host`, `port`, `username`, `password`, `dbname`).
     * Fields holding credentials must be Pulumi secrets.
     */
    value: pulumi.Input<Record<string, pulumi.Input<string | number>>>;
    /**
     * Days Secrets Manager keeps a deleted secret recoverable (7-30; 0 deletes at once).
     * @default 30
     */
    recoveryWindowInDays?: number;
    tags: Record<string, string>;
}

/** A Secrets Manager secret, encrypted with the given CMK, holding one store's connection details. */
export class ConnectionSecret extends pulumi.ComponentResource {
    public readonly secret: aws.secretsmanager.Secret;
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: ConnectionSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:security:ConnectionSecret", name, {}, opts);
        this.secret = new aws.secretsmanager.Secret(
            name,
            {
                name: args.secretName,
                description: args.description,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
                tags: named(args.tags, args.secretName),
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(
            name,
            {
                secretId: this.secret.id,
                // The whole document is secret: it holds the password.
                secretString: pulumi.secret(pulumi.output(args.value).apply((v) => JSON.stringify(v))),
            },
            { parent: this },
        );
        this.arn = this.secret.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
