import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { named } from "../tags";

/**
 * Special characters in generated database passwords. RDS and DocumentDB reject
 * "/", "@", '"', "'" and spaces; beyond that, the password must survive being
 * pasted into a connection URL unencoded (MLflow takes a SQLAlchemy URL, where
 * ":", "#", "?" and "%" would break it) and into a libpq or Npgsql key=value
 * string (where ";" and "\" would). These characters are safe in all of them.
 * 40 characters from 72 symbols is still over 240 bits.
 */
export const DATABASE_PASSWORD_SPECIALS = "!*()-_.~+=";

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
 * design depends on. The character set suits RDS, DocumentDB and ElastiCache
 * AUTH alike (ElastiCache also forbids only "/", '"' and "@").
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
            overrideSpecial: DATABASE_PASSWORD_SPECIALS,
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
