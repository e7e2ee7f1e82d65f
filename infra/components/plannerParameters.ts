/**
 * Planner parameters of the Aurora cluster parameter group, chosen by timing MLflow's real search
 * statements (`make bench-db`, docs/benchmarks/). One place: the component sets them, and
 * scripts/bench-db.sh reads them for its "platform settings" phase.
 *
 * random_page_cost: the planner's price of a random page read against a sequential one. PostgreSQL's
 * default 4 models spinning disks; its documentation suggests lower values for storage where random
 * reads cost little more than sequential ones (https://www.postgresql.org/docs/16/runtime-config-query.html,
 * "random_page_cost"), as Aurora's distributed SSD-backed storage is. Measured at 100 K runs: the
 * params+tags search walks the experiment's newest runs through the platform's index instead of hashing
 * every matching param (35-37 ms from 64-78 ms in the facts' run), and runs per experiment reads the index
 * alone. Dynamic (PostgreSQL context "user"): applied without a reboot (engine/provider/rds.ts catalogue).
 * Not checked against a real Aurora cluster here: no AWS access on this machine.
 */
export const PLANNER_PARAMETERS: Readonly<Record<string, string>> = {
    random_page_cost: "1.1",
};
