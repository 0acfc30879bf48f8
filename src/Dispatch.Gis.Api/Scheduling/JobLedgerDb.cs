using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Scheduling;

/// <summary>The job ledger (schema/130 job_runs): a row per run, opened when it starts and closed, with its event, when it ends.</summary>
internal static class JobLedgerDb
{
    private const string Columns = "id, job, fire_instance_id, instance, scheduled_for, started_at, ended_at, outcome, rows, detail, error, recovering";

    /// <summary>
    /// Opens a run. A run recovered from a dead instance first closes that instance's open runs of the job as
    /// INTERRUPTED, so the ledger never shows a job running on a node that is gone.
    /// </summary>
    public static async Task<long> StartAsync(NpgsqlDataSource db, string job, string fireInstanceId, string instance, DateTime? scheduledFor, bool recovering,
        CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (recovering)
        {
            await using var interrupt = new NpgsqlCommand("""
                UPDATE job_runs SET outcome = 'INTERRUPTED', ended_at = clock_timestamp(), error = 'the instance running it stopped before it ended'
                WHERE job = $1 AND outcome = 'RUNNING' AND instance <> $2
                """, connection);
            interrupt.Parameters.Add(new NpgsqlParameter { Value = job });
            interrupt.Parameters.Add(new NpgsqlParameter { Value = instance });
            await interrupt.ExecuteNonQueryAsync(ct);
        }

        await using var open = new NpgsqlCommand("""
            INSERT INTO job_runs (job, fire_instance_id, instance, scheduled_for, recovering) VALUES ($1, $2, $3, $4, $5) RETURNING id
            """, connection);
        open.Parameters.Add(new NpgsqlParameter { Value = job });
        open.Parameters.Add(new NpgsqlParameter { Value = fireInstanceId });
        open.Parameters.Add(new NpgsqlParameter { Value = instance });
        open.Parameters.Add(Db.NullableTime(scheduledFor));
        open.Parameters.Add(new NpgsqlParameter { Value = recovering });
        return (long)(await open.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Closes a run and announces it (JOB_RUN_FINISHED), in one unit of work.</summary>
    public static Task FinishAsync(NpgsqlDataSource db, long runId, string job, string instance, JobOutcome outcome, JobResult? result, string? error, CancellationToken ct) =>
        UnitOfWork.RunAsync(db, new WriteOrigin($"job:{job}"), async w =>
        {
            await using var cmd = w.Command("""
                UPDATE job_runs SET outcome = $2, ended_at = clock_timestamp(), rows = $3, detail = $4, error = $5 WHERE id = $1
                RETURNING started_at, ended_at
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(outcome) });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)result?.Rows ?? DBNull.Value });
            cmd.Parameters.Add(Db.Nullable(result?.Detail));
            cmd.Parameters.Add(Db.Nullable(error));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var (started, ended) = (reader.GetDateTime(0), reader.GetDateTime(1));
            w.Add(new NewEvent("JOB_RUN_FINISHED", "Job", job,
                new { runId, job, instance, outcome = DbEnum.Text(outcome), rows = result?.Rows, detail = result?.Detail, error, startedAt = started, endedAt = ended }));
        }, ct);

    public static async Task<Connection<JobRun>> ListAsync(NpgsqlDataSource db, string? job, JobOutcome? outcome, Paging paging, CancellationToken ct)
    {
        var where = new SqlConditions();
        if (job is not null)
        {
            where.Add("job = {0}", job);
        }

        where.AddEqual("outcome", outcome);
        var countSql = $"SELECT count(*) FROM job_runs{where.Sql}";
        var countParameters = where.Parameters;
        long? after = paging.After is null ? null
            : long.TryParse(paging.After, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id
            : throw new BadUserInputException("after is not a cursor this service issued", "after");
        var page = where.KeysetPage("id", after, paging.First, descending: true);
        var rows = await Db.ReadAllAsync(db, $"SELECT {Columns} FROM job_runs{where.Sql}{page}", Map, ct, where.Parameters);
        return Connection<JobRun>.Page(rows, paging, r => Paging.EncodeCursor(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            token => Db.CountAsync(db, countSql, countParameters, token));
    }

    private static JobRun Map(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetDateTime(4),
        r.GetDateTime(5), r.IsDBNull(6) ? null : r.GetDateTime(6), DbEnum.Parse<JobOutcome>(r.GetString(7)), r.IsDBNull(8) ? null : r.GetInt64(8), r.TextOrNull(9),
        r.TextOrNull(10), r.GetBoolean(11));
}
