using Dbops.Bench.Workload;
using Npgsql;

namespace Dbops.Bench.Benchmarks;

/// <summary>
/// The parameters the shapes run with: ten runs from each of the twenty experiments with the
/// most active runs, with one of each run's metrics (and its latest value), params and tags. Executions pick an
/// experiment weighted by its size, as traffic goes where the runs are. Read once, before
/// any index is added, so both phases run with the same parameters in the same order.
/// </summary>
public sealed class SampleSet(IReadOnlyList<Sample> samples, int seed)
{
    public IReadOnlyList<Sample> Samples => samples;

    public static async Task<SampleSet> ReadAsync(NpgsqlConnection conn, int seed, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            with top as (
                select experiment_id, count(*) as n from runs where lifecycle_stage = 'active'
                group by experiment_id order by n desc, experiment_id limit 20)
            select t.experiment_id, t.n, r.run_uuid::text, m.key::text, p.key::text, p.value::text, g.key::text, g.value::text, m.value
            from top t
            cross join lateral (select run_uuid from runs where experiment_id = t.experiment_id and lifecycle_stage = 'active'
                                order by md5(run_uuid || $1) limit 10) r
            cross join lateral (select key, value from latest_metrics where run_uuid = r.run_uuid order by md5(key || $1) limit 1) m
            cross join lateral (select key, value from params where run_uuid = r.run_uuid and key not in ('seed', 'config')
                                order by md5(key || $1) limit 1) p
            cross join lateral (select key, value from tags where run_uuid = r.run_uuid and key in ('mlflow.user', 'stage')
                                order by md5(key || $1) limit 1) g
            order by t.experiment_id, r.run_uuid
            """, conn) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { Value = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var list = new List<Sample>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new Sample(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetDouble(8)));
        }
        if (list.Count == 0) throw new InvalidOperationException("no active run with metrics, params and tags to sample: generate a workload first");
        return new SampleSet(list, seed);
    }

    /// <summary>The i-th execution's parameters: the same sequence for every phase.</summary>
    public Sample For(string shape, int i)
    {
        var rng = Rng.For(seed, shape, i);
        var total = samples.Sum(s => (double)s.ExperimentRuns);
        var x = rng.NextDouble() * total;
        foreach (var s in samples)
        {
            x -= s.ExperimentRuns;
            if (x < 0) return s;
        }
        return samples[^1];
    }
}
