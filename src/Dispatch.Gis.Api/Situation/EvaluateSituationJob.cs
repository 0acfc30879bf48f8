using Dispatch.Gis.Scheduling;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Situation;

/// <summary>
/// Judges every territory again: levels must also fall without new data — a warning expires, a reading goes stale —
/// and a judgement that failed after an ingest is caught up here. Idempotent: an unchanged situation writes nothing.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class EvaluateSituationJob(NpgsqlDataSource db, SituationEvaluator evaluator, ILogger<EvaluateSituationJob> logger) : DispatchJob(db, logger)
{
    public const string Name = "evaluate-situation";

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var result = await evaluator.EvaluateAsync(Origin(context), null, ct);
        return new JobResult(result.Changes,
            $"{result.Territories} territories judged: {result.Changes} level change(s), {result.UpdatesSent} update(s) sent, " +
            $"{result.Suggested} suggestion(s), {result.Lapsed} lapsed");
    }
}
