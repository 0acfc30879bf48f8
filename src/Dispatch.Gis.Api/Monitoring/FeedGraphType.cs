using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Monitoring;

internal sealed class FeedFormatGraphType : EnumerationGraphType<FeedFormat>
{
    public FeedFormatGraphType() => Name = "FeedFormat";
}

internal sealed class FeedHealthStateGraphType : EnumerationGraphType<FeedHealthState>
{
    public FeedHealthStateGraphType() => Name = "FeedHealthState";
}

internal sealed class FeedRunOutcomeGraphType : EnumerationGraphType<FeedRunOutcome>
{
    public FeedRunOutcomeGraphType() => Name = "FeedRunOutcome";
}

internal sealed class FeedMappingGraphType : ObjectGraphType<FeedMapping>
{
    public FeedMappingGraphType()
    {
        Name = "FeedMapping";
        Description = "How a CSV or JSON feed is read: column names (CSV) or JSON pointers relative to a record (JSON), or a fixed parameter and unit.";
        Field(x => x.Records, nullable: true).Description("JSON: pointer to the array of records (the document itself when absent).");
        Field(x => x.Station, nullable: true);
        Field(x => x.Time, nullable: true);
        Field(x => x.Parameter, nullable: true);
        Field(x => x.Value, nullable: true);
        Field(x => x.Unit, nullable: true);
        Field(x => x.FixedParameter, nullable: true);
        Field(x => x.FixedUnit, nullable: true);
        Field(x => x.Delimiter, nullable: true);
        Field(x => x.TimeZone, nullable: true).Description("Offset of times given without one, e.g. +05:00; UTC when absent.");
    }
}

internal sealed class RejectedRowGraphType : ObjectGraphType<Rejection>
{
    public RejectedRowGraphType()
    {
        Name = "RejectedRow";
        Description = "A quarantined row: where it was in the payload and why it was refused. It never reached the observations.";
        Field(x => x.Line, nullable: true).Description("CSV: the line the row starts on (1 is the header). CAP: the alert's line.");
        Field(x => x.Pointer, nullable: true).Description("JSON pointer (JSON, GeoJSON), element path (CAP) or input path (reportObservations).");
        Field(x => x.Reason);
        Field(x => x.Raw, nullable: true).Description("The row as received (at most 500 characters).");
    }
}

internal sealed class FeedRunGraphType : ObjectGraphType<FeedRun>
{
    public FeedRunGraphType(FeedLoaders loaders)
    {
        Name = "FeedRun";
        Description = "One poll or push: what came, what went in, what was quarantined, or why it failed (then nothing was written).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<FeedGraphType>>("feed").Resolve(ctx => loaders.FeedById(ctx, ctx.Source.FeedId));
        Field<IdGraphType>("jobRunId").Description("The job ledger's run (jobRuns); none for a push.").Resolve(ctx => ctx.Source.JobRunId);
        Field(x => x.Actor);
        Field(x => x.Attempt).Description("1 for a regular poll; higher for a retry after a failure.");
        Field<NonNullGraphType<DateTimeGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("endedAt").Resolve(ctx => ctx.Source.EndedAt);
        Field<NonNullGraphType<FeedRunOutcomeGraphType>>("outcome").Resolve(ctx => ctx.Source.Outcome);
        Field(x => x.HttpStatus, nullable: true);
        Field(x => x.Bytes, nullable: true);
        Field(x => x.Received).Description("Rows in the payload, read or not.");
        Field(x => x.Stored).Description("New observations, earthquakes and warnings.");
        Field(x => x.Updated).Description("Earthquakes replaced by a later version.");
        Field(x => x.Duplicates).Description("Rows already held: a re-poll or resend adds nothing.");
        Field<NonNullGraphType<IntGraphType>>("rejectedCount").Resolve(ctx => ctx.Source.Rejected);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RejectedRowGraphType>>>>("rejected")
            .Description("The quarantined rows (the first Dispatch:Monitoring:MaxRejectionsKeptPerRun of them; all are counted).")
            .Resolve(ctx => ctx.Source.Rejected == 0 ? Array.Empty<Rejection>() : loaders.RejectionsByRunId(ctx, ctx.Source.Id));
        Field<DateTimeGraphType>("newestObservedAt").Resolve(ctx => ctx.Source.NewestObservedAt);
        Field(x => x.Error, nullable: true);
    }
}

internal sealed record FeedHealthView(Feed Feed, FeedHealth? Health, FeedSchedule Schedule);

internal sealed class FeedHealthGraphType : ObjectGraphType<FeedHealthView>
{
    public FeedHealthGraphType()
    {
        Name = "FeedHealth";
        Description = "Is the feed alive: its last success and error, the lag of its newest data, and whether it fell silent (FEED_SILENT).";
        Field<NonNullGraphType<FeedHealthStateGraphType>>("state").Resolve(ctx => ctx.Source.Health?.State ?? FeedHealthState.Waiting);
        Field<DateTimeGraphType>("lastPolledAt").Resolve(ctx => ctx.Source.Health?.LastPolledAt);
        Field<DateTimeGraphType>("lastSuccessAt").Resolve(ctx => ctx.Source.Health?.LastSuccessAt);
        Field<DateTimeGraphType>("lastErrorAt").Resolve(ctx => ctx.Source.Health?.LastErrorAt);
        Field<StringGraphType>("lastError").Resolve(ctx => ctx.Source.Health?.LastError);
        Field<NonNullGraphType<IntGraphType>>("consecutiveFailures").Resolve(ctx => ctx.Source.Health?.ConsecutiveFailures ?? 0);
        Field<DateTimeGraphType>("lastNewDataAt").Description("The last run that brought anything new.").Resolve(ctx => ctx.Source.Health?.LastNewDataAt);
        Field<DateTimeGraphType>("newestObservedAt").Resolve(ctx => ctx.Source.Health?.NewestObservedAt);
        Field<FloatGraphType>("lagSeconds").Description("Now minus the newest observation's time.")
            .Resolve(ctx => ctx.Source.Health?.NewestObservedAt is { } n ? Math.Round((DateTime.UtcNow - n).TotalSeconds, 1) : null);
        Field<DateTimeGraphType>("silentSince").Resolve(ctx => ctx.Source.Health?.SilentSince);
        Field<DateTimeGraphType>("nextPollAt").Description("The scheduler's next firing (null for push feeds or without a scheduler).")
            .ResolveAsync(async ctx => (await ctx.Source.Schedule.TriggerStateAsync(ctx.Source.Feed, ctx.CancellationToken))?.Next);
        Field<StringGraphType>("triggerState").Description("NORMAL, PAUSED, BLOCKED while a poll runs…")
            .ResolveAsync(async ctx => (await ctx.Source.Schedule.TriggerStateAsync(ctx.Source.Feed, ctx.CancellationToken))?.State);
    }
}

internal sealed class FeedGraphType : ObjectGraphType<Feed>
{
    public const int MaxRuns = 100;

    public FeedGraphType(FeedLoaders loaders, FeedSchedule schedule, TerritoryLoaders territories)
    {
        Name = "Feed";
        Description = "A monitoring feed: where and how often it is fetched, how it is read, and how long its silence is tolerated.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Code);
        Field(x => x.Name);
        Field<NonNullGraphType<FeedFormatGraphType>>("format").Resolve(ctx => ctx.Source.Format);
        Field(x => x.Url, nullable: true);
        Field(x => x.IntervalSeconds, nullable: true);
        Field(x => x.TimeoutSeconds);
        Field(x => x.SourceCrs).Description("EPSG code of the coordinates the feed carries (earthquake epicentres).");
        Field<NonNullGraphType<FeedMappingGraphType>>("mapping").Resolve(ctx => ctx.Source.Mapping);
        Field(x => x.SilenceSeconds).Description("Nothing new for longer than this is FEED_SILENT.");
        Field(x => x.RetryAttempts);
        Field(x => x.RetryBackoffSeconds).Description("The first retry's delay after a failed poll; doubled for each further one.");
        Field(x => x.TerritoryKato, nullable: true);
        Field<TerritoryGraphType>("territory").Resolve(ctx => ctx.Source.TerritoryKato is { } kato ? territories.TerritoryByKato(ctx, kato) : null);
        Field(x => x.Enabled);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
        Field<NonNullGraphType<FeedHealthGraphType>>("health")
            .Resolve(ctx => loaders.HealthByFeedId(ctx, ctx.Source.Id).Then(h => new FeedHealthView(ctx.Source, h, schedule)));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FeedRunGraphType>>>>("runs")
            .Description("Newest first.")
            .Argument<IntGraphType>("first", "Default 10.")
            .Argument<IdGraphType>("before", "Runs older than this run id.")
            .Argument<FeedRunOutcomeGraphType>("outcome")
            .Resolve(ctx =>
            {
                var first = ctx.GetArgument<int?>("first") ?? 10;
                if (first is < 1 or > MaxRuns)
                {
                    throw new BadUserInputException($"first must be 1 to {MaxRuns}", "first");
                }

                long? before = ctx.GetArgument<object?>("before") is { } b
                    ? long.TryParse(b.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : throw new BadUserInputException("before is a run id", "before")
                    : null;
                return loaders.RunsByFeedId(ctx, ctx.Source.Id, first, before, ctx.GetArgument<FeedRunOutcome?>("outcome"));
            });
    }
}

internal sealed class FeedConnectionGraphType() : ConnectionGraphType<Feed, FeedGraphType>("Feed");

internal sealed class EarthquakeGraphType : ObjectGraphType<Earthquake>
{
    public EarthquakeGraphType()
    {
        Name = "Earthquake";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.ExternalId).Description("The catalogue's event id (USGS feature id, EMSC unid).");
        Field<NonNullGraphType<DateTimeGraphType>>("occurredAt").Resolve(ctx => ctx.Source.OccurredAt);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
        Field(x => x.Magnitude);
        Field(x => x.MagType, nullable: true);
        Field(x => x.DepthKm, nullable: true);
        Field(x => x.Place, nullable: true);
        Field(x => x.Status).Description("automatic, reviewed or deleted (a deleted event is no evidence).");
        Field<NonNullGraphType<GeometryGraphType>>("epicentre").Resolve(ctx => ctx.Source.Location);
        Field(x => x.TerritoryKato, nullable: true);
    }
}

internal sealed class WarningGraphType : ObjectGraphType<Warning>
{
    public WarningGraphType()
    {
        Name = "Warning";
        Description = "An incoming CAP 1.2 alert (a storm warning), one info block of it.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Sender);
        Field(x => x.Identifier);
        Field<NonNullGraphType<DateTimeGraphType>>("sentAt").Resolve(ctx => ctx.Source.SentAt);
        Field(x => x.Status).Description("Actual, Exercise, System, Test or Draft; only Actual alerts set a level.");
        Field(x => x.MsgType);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("category").Resolve(ctx => ctx.Source.Category);
        Field(x => x.Event);
        Field(x => x.Severity);
        Field(x => x.Urgency);
        Field(x => x.Certainty);
        Field(x => x.Headline, nullable: true);
        Field(x => x.Description, nullable: true);
        Field(x => x.Instruction, nullable: true);
        Field(x => x.AreaDesc);
        Field<DateTimeGraphType>("effectiveAt").Resolve(ctx => ctx.Source.EffectiveAt);
        Field<DateTimeGraphType>("onsetAt").Resolve(ctx => ctx.Source.OnsetAt);
        Field<DateTimeGraphType>("expiresAt").Resolve(ctx => ctx.Source.ExpiresAt);
        Field<NonNullGraphType<GeometryGraphType>>("area").Resolve(ctx => ctx.Source.Area);
        Field(x => x.TerritoryKato, nullable: true).Description("The region most of the area lies in.");
        Field<DateTimeGraphType>("replacedAt").Description("When a later Update or Cancel named this alert.").Resolve(ctx => ctx.Source.ReplacedAt);
        Field(x => x.ReplacedBy, nullable: true).Description("\"sender,identifier\" of the alert that replaced it.");
    }
}
