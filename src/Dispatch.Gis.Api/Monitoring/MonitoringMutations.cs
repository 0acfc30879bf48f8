using System.Text.RegularExpressions;
using Dispatch.Gis.Auth;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Monitoring.Adapters;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Monitoring;

/// <summary>Stations and feeds (ADMIN), a poll on demand, and sensors' pushed readings (INGEST).</summary>
internal sealed partial class MonitoringMutations(NpgsqlDataSource db, StationLoaders stations, FeedLoaders feeds, DangerousObjectLoaders objects,
    TerritoryLoaders territories, SpatialArguments spatial, CrsTransformer crs, MonitoringRules rules, FeedSchedule schedule, ObservationIngest ingest,
    IOptions<MonitoringOptions> options, TimeProvider clock)
{
    public const int MaxTextLength = 200;
    public const int MaxCitationLength = 1000;
    public const int MaxParameters = 20;
    public const int MaxThresholds = 200;

    [GeneratedRegex("^[A-Z0-9][A-Z0-9_.:-]{0,63}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^(Z|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex OffsetPattern();

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<MonitoringStationGraphType>>("upsertStation")
            .Description("Registers a monitoring station or changes it, by code; its own dated, cited levels with it.")
            .Argument<NonNullGraphType<StationInputGraphType>>("input")
            .AllowRoles(Role.Admin)
            .ResolveAsync(UpsertStationAsync);

        root.Field<NonNullGraphType<FeedGraphType>>("upsertFeed")
            .Description("Configures a feed by code: it is (re)scheduled at once on the cluster's scheduler, paused while disabled.")
            .Argument<NonNullGraphType<FeedInputGraphType>>("input")
            .AllowRoles(Role.Admin)
            .ResolveAsync(UpsertFeedAsync);

        root.Field<NonNullGraphType<FeedGraphType>>("pollFeed")
            .Description("Polls a feed now, on the scheduler like any poll (it never overlaps a running one); see feed.runs for the result.")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .AllowRoles(Role.Admin)
            .ResolveAsync(PollFeedAsync);

        root.Field<NonNullGraphType<FeedRunGraphType>>("reportObservations")
            .Description("Readings pushed by a sensor account to a PUSH feed, by the same rules as a poll: bad rows are quarantined (run.rejected), the rest stored.")
            .Argument<NonNullGraphType<StringGraphType>>("feed", "Code of a PUSH feed the token may feed (its sources claim).")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<ObservationInputGraphType>>>>("observations")
            .AllowRoles(Role.Ingest, Role.DutyOfficer112)
            .ResolveAsync(ReportObservationsAsync);
    }

    private async Task<object?> UpsertStationAsync(IResolveFieldContext ctx)
    {
        var input = ctx.GetArgument<StationInput>("input");
        var code = Code(input.Code, "input.code");
        var point = await spatial.PointAsync(input.Location, input.Crs ?? GeoJson.Wgs84, "input.location", ctx.CancellationToken);
        var territory = await StationDb.TerritoryOfAsync(db, point, ctx.CancellationToken);
        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, "input.location");
        var parameters = Parameters(input.Parameters);
        Guid? objectId = null;
        if (Ids.ParseOptional(input.DangerousObject, "input.dangerousObject") is { } id)
        {
            objectId = (await objects.ObjectById(ctx, id).GetResultAsync(ctx.CancellationToken))?.Id
                ?? throw new NotFoundException("no such dangerous object", "input.dangerousObject");
        }

        var change = new StationChange(code, TextInput.Required(input.Name, "input.name", MaxTextLength), TextInput.Required(input.Operator, "input.operator", MaxTextLength),
            input.Kind, point, parameters, objectId, TextInput.Optional(input.WaterBody, "input.waterBody", MaxTextLength),
            input.Thresholds is null ? null : Thresholds(input.Thresholds, parameters));
        var stationId = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => StationDb.UpsertAsync(w, change, territory, rules, ctx.CancellationToken), ctx.CancellationToken);
        return await stations.StationById(ctx, stationId).GetResultAsync(ctx.CancellationToken);
    }

    private List<string> Parameters(IReadOnlyList<string> given)
    {
        if (given.Count is 0 or > MaxParameters || given.Distinct(StringComparer.Ordinal).Count() != given.Count)
        {
            throw new BadUserInputException($"parameters must name 1 to {MaxParameters} different parameters", "input.parameters");
        }

        for (var i = 0; i < given.Count; i++)
        {
            if (rules.Parameter(given[i]) is null)
            {
                throw new BadUserInputException($"unknown parameter \"{given[i]}\"; monitoringParameters lists them", $"input.parameters[{i}]");
            }
        }

        return [.. given];
    }

    private List<StationThreshold> Thresholds(IReadOnlyList<StationThresholdInput> given, List<string> parameters)
    {
        if (given.Count > MaxThresholds)
        {
            throw new BadUserInputException($"at most {MaxThresholds} thresholds", "input.thresholds");
        }

        var result = new List<StationThreshold>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var t = given[i];
            var at = $"input.thresholds[{i}]";
            if (!parameters.Contains(t.Parameter))
            {
                throw new BadUserInputException($"{t.Parameter} is not among the station's parameters", at + ".parameter");
            }

            var rule = rules.Parameter(t.Parameter)!;
            if (t.Level == SituationLevel.Normal || !double.IsFinite(t.Value) || t.Value < rule.Min || t.Value > rule.Max)
            {
                throw new BadUserInputException($"a threshold is ELEVATED, HIGH or CRITICAL at a value within {rule.Min} to {rule.Max} {rule.Unit}",
                    t.Level == SituationLevel.Normal ? at + ".level" : at + ".value");
            }

            var citation = TextInput.Optional(t.Citation, at + ".citation", MaxCitationLength);
            if (t.Verified && citation is null)
            {
                throw new BadUserInputException("a verified threshold cites its source", at + ".citation");
            }

            result.Add(new StationThreshold(Guid.Empty, t.Parameter, t.Level, t.ValidFrom, t.Value, TextInput.Optional(t.Label, at + ".label", MaxTextLength),
                citation, t.Verified, "api"));
        }

        var twice = result.GroupBy(t => (t.Parameter, t.Level, t.ValidFrom)).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new BadUserInputException($"{twice.Key.Parameter} has two {DbEnum.Text(twice.Key.Level)} levels from {twice.Key.ValidFrom:yyyy-MM-dd}", "input.thresholds");
        }

        foreach (var set in result.GroupBy(t => (t.Parameter, t.ValidFrom)))
        {
            var ordered = set.OrderBy(t => t.Level).ToList();
            if (ordered.Zip(ordered.Skip(1)).Any(p => p.First.Value >= p.Second.Value))
            {
                throw new BadUserInputException($"{set.Key.Parameter} from {set.Key.ValidFrom:yyyy-MM-dd}: a higher level needs a higher value", "input.thresholds");
            }
        }

        return result;
    }

    private async Task<object?> UpsertFeedAsync(IResolveFieldContext ctx)
    {
        var input = ctx.GetArgument<FeedInput>("input");
        var code = Code(input.Code, "input.code");
        var territory = input.Territory is { } kato ? (await territories.RequireAsync(ctx, kato, "input.territory")).Kato : null;
        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, "input.territory");
        var change = await FeedChangeAsync(input, code, territory, ctx.CancellationToken);
        var (id, _) = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => FeedDb.UpsertAsync(w, change, ctx.CancellationToken), ctx.CancellationToken);
        var feed = (await FeedDb.ByIdAsync(db, [id], ctx.CancellationToken))[id];
        await schedule.ApplyAsync(feed, ctx.CancellationToken);
        return feed;
    }

    private async Task<FeedChange> FeedChangeAsync(FeedInput input, string code, string? territory, CancellationToken ct)
    {
        var push = input.Format == FeedFormat.Push;
        string? url = null;
        if (push)
        {
            if (input.Url is not null || input.IntervalSeconds is not null)
            {
                throw new BadUserInputException("a PUSH feed is not fetched: give no url and no intervalSeconds", input.Url is not null ? "input.url" : "input.intervalSeconds");
            }
        }
        else
        {
            url = TextInput.Required(input.Url, "input.url", 2000);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new BadUserInputException("url must be an absolute http or https URL", "input.url");
            }

            if (input.IntervalSeconds is not (>= 1 and <= 86400))
            {
                throw new BadUserInputException("intervalSeconds must be 1 to 86400", "input.intervalSeconds");
            }
        }

        var timeout = input.TimeoutSeconds ?? 15;
        Range(timeout, 1, 300, "input.timeoutSeconds");
        Range(input.SilenceSeconds, Math.Max(1, input.IntervalSeconds ?? 1), 604800, "input.silenceSeconds",
            "at least the interval (a feed is not silent between two polls) and at most 604800");
        var retries = input.RetryAttempts ?? 3;
        Range(retries, 0, 10, "input.retryAttempts");
        var backoff = input.RetryBackoffSeconds ?? 10;
        Range(backoff, 1, 3600, "input.retryBackoffSeconds");
        var sourceCrs = input.SourceCrs ?? GeoJson.Wgs84;
        if (sourceCrs != GeoJson.Wgs84)
        {
            if (input.Format != FeedFormat.GeojsonQuakes)
            {
                throw new BadUserInputException("only GEOJSON_QUAKES feeds carry coordinates (CAP is WGS 84 by its standard; CSV and JSON rows name stations)",
                    "input.sourceCrs");
            }

            await crs.ToWgs84Async(GeoJson.Factory.CreatePoint(new Coordinate(0, 0)), sourceCrs, "input.sourceCrs", ct);
        }

        return new FeedChange(code, TextInput.Required(input.Name, "input.name", MaxTextLength), input.Format, url, input.IntervalSeconds, timeout, sourceCrs,
            Mapping(input.Format, input.Mapping), input.SilenceSeconds, retries, backoff, territory, input.Enabled ?? true);
    }

    private FeedMapping Mapping(FeedFormat format, FeedMapping? given)
    {
        if (given is null)
        {
            return FeedMapping.Empty;
        }

        if (format is not (FeedFormat.Csv or FeedFormat.Json))
        {
            throw new BadUserInputException("only CSV and JSON feeds take a mapping", "input.mapping");
        }

        string? Field(string? value, string name)
        {
            var text = TextInput.Optional(value, $"input.mapping.{name}", MaxTextLength);
            if (text is not null && format == FeedFormat.Json && name is not ("fixedParameter" or "fixedUnit" or "timeZone" or "delimiter") && !JsonPointer.IsValid(text))
            {
                throw new BadUserInputException($"{name} must be a JSON pointer (\"\" or starting with /)", $"input.mapping.{name}");
            }

            return text;
        }

        var mapping = new FeedMapping(format == FeedFormat.Json ? given.Records ?? "" : null, Field(given.Station, "station"), Field(given.Time, "time"),
            Field(given.Parameter, "parameter"), Field(given.Value, "value"), Field(given.Unit, "unit"), Field(given.FixedParameter, "fixedParameter"),
            Field(given.FixedUnit, "fixedUnit"), Field(given.Delimiter, "delimiter"), Field(given.TimeZone, "timeZone"));
        if (mapping.Records is { Length: > 0 } records && !JsonPointer.IsValid(records))
        {
            throw new BadUserInputException("records must be a JSON pointer", "input.mapping.records");
        }

        if (mapping.Delimiter is { } d && (format != FeedFormat.Csv || d is not ("," or ";" or "\\t" or "|")))
        {
            throw new BadUserInputException("delimiter is , ; | or \\t, for CSV feeds", "input.mapping.delimiter");
        }

        if (mapping.TimeZone is { } zone && !OffsetPattern().IsMatch(zone))
        {
            throw new BadUserInputException("timeZone is an offset such as +05:00, or Z", "input.mapping.timeZone");
        }

        if (mapping.FixedParameter is { } fixedParameter)
        {
            var rule = rules.Parameter(fixedParameter) ?? throw new BadUserInputException($"unknown parameter \"{fixedParameter}\"", "input.mapping.fixedParameter");
            if (mapping.FixedUnit is { } unit && rule.Factor(unit) is null)
            {
                throw new BadUserInputException($"unit \"{unit}\" does not match {rule.Code} (give {string.Join(", ", rule.Units.Keys)})", "input.mapping.fixedUnit");
            }
        }

        return mapping;
    }

    private async Task<object?> PollFeedAsync(IResolveFieldContext ctx)
    {
        var feed = await RequireFeedAsync(ctx, "code");
        ctx.Caller().RequireTerritory(feed.TerritoryKato, "code");
        if (feed.Format == FeedFormat.Push)
        {
            throw new BadUserInputException("a PUSH feed is not polled: its sensors report with reportObservations", "code");
        }

        if (!feed.Enabled)
        {
            throw new ConflictException("the feed is disabled; enable it with upsertFeed first", "code");
        }

        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w =>
        {
            FeedDb.RequestPoll(w, feed);
            return Task.CompletedTask;
        }, ctx.CancellationToken);
        if (!await schedule.PollNowAsync(feed, ctx.CancellationToken))
        {
            throw new ConflictException("this instance runs no scheduler (Dispatch:Scheduling:Enabled is false); the feed polls on its interval elsewhere", "code");
        }

        return feed;
    }

    private async Task<object?> ReportObservationsAsync(IResolveFieldContext ctx)
    {
        var feed = await RequireFeedAsync(ctx, "feed");
        var caller = ctx.Caller();
        if (caller.Role == Role.Ingest)
        {
            if (!caller.Sources.Contains("*") && !caller.Sources.Contains(feed.Code))
            {
                throw new ForbiddenException($"this token may not feed {feed.Code} (its sources claim does not name it)", "feed");
            }
        }
        else
        {
            caller.RequireTerritory(feed.TerritoryKato, "feed");
        }

        if (feed.Format != FeedFormat.Push)
        {
            throw new BadUserInputException($"{feed.Code} is a {DbEnum.Text(feed.Format)} feed, polled by the service; reportObservations takes PUSH feeds", "feed");
        }

        if (!feed.Enabled)
        {
            throw new ConflictException($"feed {feed.Code} is disabled", "feed");
        }

        var given = ctx.GetArgument<List<ObservationInput>>("observations");
        var max = options.Value.MaxObservationsPerCall;
        if (given.Count is 0 || given.Count > max)
        {
            throw new BadUserInputException($"observations must hold 1 to {max} readings", "observations");
        }

        var payload = new ParsedPayload { Received = given.Count };
        for (var i = 0; i < given.Count; i++)
        {
            var o = given[i];
            payload.Observations.Add(new RawObservation(null, $"observations[{i}]", null, o.Station.Trim(), o.Parameter.Trim(), Times.Utc(o.ObservedAt), o.Value, o.Unit.Trim()));
        }

        // A sensor account may feed its feed's area (the whole country for a feed without one); an officer, its own territories.
        var scope = caller.Role == Role.Ingest ? (feed.TerritoryKato is { } area ? TerritoryScope.Parse([area]) : null) : caller.Scope;
        var outcome = await ingest.IngestAsync(feed, payload, new RunStart(clock.GetUtcNow().UtcDateTime, 1, null, null, null), ctx.WriteOrigin(),
            scope, ctx.CancellationToken);
        return await FeedDb.RunAsync(db, outcome.RunId, ctx.CancellationToken);
    }

    private async Task<Feed> RequireFeedAsync(IResolveFieldContext ctx, string argument)
    {
        var code = ctx.GetArgument<string>(argument).Trim();
        var feed = await feeds.FeedByCode(ctx, code).GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException($"no feed {code}", argument);
        ctx.AuditTerritory(feed.TerritoryKato);
        return feed;
    }

    private static string Code(string text, string argument)
    {
        var code = text.Trim();
        return CodePattern().IsMatch(code) ? code
            : throw new BadUserInputException("a code is 1 to 64 upper-case letters, digits and _ . : - (starting with a letter or digit)", argument);
    }

    private static void Range(int value, int min, int max, string argument, string? what = null)
    {
        if (value < min || value > max)
        {
            throw new BadUserInputException($"{argument[(argument.LastIndexOf('.') + 1)..]} must be {what ?? $"{min} to {max}"}", argument);
        }
    }
}
