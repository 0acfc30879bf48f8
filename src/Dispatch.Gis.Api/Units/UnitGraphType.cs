using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Units;

internal sealed class UnitOptions
{
    public const string Section = "Dispatch:Units";

    /// <summary>A unit whose last fix is older than this is shown as stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far a reported time may lie in the future (device clocks drift).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Older fixes are refused as implausible (a device replaying a stale buffer).</summary>
    public TimeSpan MaxPositionAge { get; set; } = TimeSpan.FromDays(7);

    public int MaxPositionsPerCall { get; set; } = 10_000;

    /// <summary>How long AVL tracks are kept; older daily partitions are dropped.</summary>
    public TimeSpan TrackRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>unitPositions: how often each subscriber's area is looked at (and so the most it is sent).</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// unitPositions: how far back each look reaches. A fix carries the device's time and a status change commits
    /// after its timestamp, so a change is found for this long after it happened; what was sent is not sent again.
    /// </summary>
    public TimeSpan LiveLookback { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>unitPositions: units in one update at most; a wider view should read tiles.</summary>
    public int MaxLivePositions { get; set; } = 5_000;
}

internal sealed class UnitProfileGraphType : EnumerationGraphType<UnitProfile>
{
    public UnitProfileGraphType() => Name = "UnitProfile";
}

internal sealed class UnitStatusGraphType : EnumerationGraphType<UnitStatus>
{
    public UnitStatusGraphType() => Name = "UnitStatus";
}

internal sealed class UnitLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<Unit?> UnitById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Unit>(ctx, "UnitById", id, (keys, ct) => UnitDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<Unit>> UnitsByServiceId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, Unit>(ctx, "UnitsByServiceId", id, (keys, ct) => UnitDb.ByServiceAsync(db, keys, ct));

    /// <summary>Every unit named, in the order given; NOT_FOUND naming the first that does not exist.</summary>
    public async Task<List<Unit>> RequireAllAsync(IResolveFieldContext ctx, IReadOnlyList<Guid> ids, string argument)
    {
        var pending = ids.Select(id => UnitById(ctx, id)).ToList();
        var result = new List<Unit>(pending.Count);
        for (var i = 0; i < pending.Count; i++)
        {
            result.Add(await pending[i].GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException($"{argument}[{i}]: no such unit", $"{argument}[{i}]"));
        }

        return result;
    }
}

internal sealed class VehicleCountGraphType : ObjectGraphType<VehicleCount>
{
    public VehicleCountGraphType()
    {
        Name = "VehicleCount";
        Field(x => x.Type);
        Field(x => x.Count);
    }
}

internal sealed record UnitPositionView(Unit Unit, bool Stale);

internal sealed class UnitPositionGraphType : ObjectGraphType<UnitPositionView>
{
    public UnitPositionGraphType()
    {
        Name = "UnitPosition";
        Description = "The latest AVL fix.";
        Field<NonNullGraphType<GeometryGraphType>>("point").Resolve(ctx => ctx.Source.Unit.Location);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Resolve(ctx => ctx.Source.Unit.LocationAt!.Value);
        Field<FloatGraphType>("speedKmh").Resolve(ctx => ctx.Source.Unit.SpeedKmh);
        Field<FloatGraphType>("headingDeg").Resolve(ctx => ctx.Source.Unit.HeadingDeg);
        Field<NonNullGraphType<BooleanGraphType>>("stale").Description("No fix for longer than the configured silence.").Resolve(ctx => ctx.Source.Stale);
    }
}

internal sealed class UnitGraphType : ObjectGraphType<Unit>
{
    public UnitGraphType(ServiceLoaders services, IOptions<UnitOptions> options)
    {
        Name = "Unit";
        Description = "A response unit (formation) of a duty-dispatch service.";
        var staleAfter = options.Value.StaleAfter;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.CallSign);
        Field<NonNullGraphType<UnitProfileGraphType>>("profile").Resolve(ctx => ctx.Source.Profile);
        Field<NonNullGraphType<UnitStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<DateTimeGraphType>>("statusChangedAt").Resolve(ctx => ctx.Source.StatusChangedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitStatusGraphType>>>>("allowedNextStatuses")
            .Resolve(ctx => UnitTransitions.From(ctx.Source.Status));
        Field<DutyServiceGraphType>("service").Description("The duty-dispatch service; null when its territory is outside your scope.").Resolve(ctx => services.ServiceById(ctx, ctx.Source.ServiceId));
        Field(x => x.Personnel).Description("People in the unit.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<VehicleCountGraphType>>>>("vehicles").Resolve(ctx => ctx.Source.Vehicles);
        Field(x => x.BaseName, nullable: true);
        Field<NonNullGraphType<GeometryGraphType>>("base").Resolve(ctx => ctx.Source.Base);
        Field(x => x.TerritoryKato, nullable: true).Description("Territory of its service.");
        Field<NonNullGraphType<GeometryGraphType>>("location").Description("Where it is now: the latest fix, or its base before any.")
            .Resolve(ctx => ctx.Source.Location);
        Field<UnitPositionGraphType>("position").Description("The latest AVL fix; null until one arrives.")
            .Resolve(ctx => ctx.Source.LocationAt is { } at ? new UnitPositionView(ctx.Source, DateTime.UtcNow - at > staleAfter) : null);
        Field<DateTimeGraphType>("asOf").Description("Time of the latest fix.").Resolve(ctx => ctx.Source.LocationAt);
        Field<NonNullGraphType<BooleanGraphType>>("stale").Description("True without a fix newer than the configured silence.")
            .Resolve(ctx => ctx.Source.LocationAt is not { } at || DateTime.UtcNow - at > staleAfter);
        Field<FloatGraphType>("distanceMeters").Description("From the query's point, on the WGS 84 spheroid.").Resolve(ctx => ctx.Source.DistanceMeters);
    }
}

internal sealed class UnitConnectionGraphType() : ConnectionGraphType<Unit, UnitGraphType>("Unit");
