using Dispatch.Gis.Incidents;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>
/// Runs a judgement in a unit of work of its own, after an ingest has committed (so a judgement that fails never takes
/// good observations with it; the periodic judgement catches up) and on the periodic job.
/// </summary>
internal sealed class SituationEvaluator(NpgsqlDataSource db, MonitoringRules rules, ClassificationRules routing, IOptions<MonitoringOptions> options,
    TimeProvider clock)
{
    /// <param name="territories">Territories whose evidence may have changed (their regions are judged too); null judges every territory.</param>
    public Task<EvaluationResult> EvaluateAsync(WriteOrigin origin, IReadOnlyCollection<string>? territories, CancellationToken ct) =>
        UnitOfWork.RunAsync(db, origin,
            w => SituationLevelDb.EvaluateAsync(w, rules, routing, options.Value, territories, clock.GetUtcNow().UtcDateTime, ct), ct);
}
