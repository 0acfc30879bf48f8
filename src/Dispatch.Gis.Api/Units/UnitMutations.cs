using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Units;

internal sealed class VehicleInputGraphType : InputObjectGraphType
{
    public VehicleInputGraphType()
    {
        Name = "VehicleInput";
        Field<NonNullGraphType<StringGraphType>>("type");
        Field<NonNullGraphType<IntGraphType>>("count");
    }
}

internal sealed class CreateUnitInputGraphType : InputObjectGraphType
{
    public CreateUnitInputGraphType()
    {
        Name = "CreateUnitInput";
        Field<NonNullGraphType<IdGraphType>>("service");
        Field<NonNullGraphType<StringGraphType>>("callSign");
        Field<NonNullGraphType<UnitProfileGraphType>>("profile");
        Field<NonNullGraphType<IntGraphType>>("personnel");
        Field<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles");
        Field<StringGraphType>("baseName");
        Field<NonNullGraphType<GeometryGraphType>>("base").Description("Point of the unit's base.");
        Field<IntGraphType>("crs").Description("EPSG code of base (default 4326).");
    }
}

internal sealed class PositionInputGraphType : InputObjectGraphType
{
    public PositionInputGraphType()
    {
        Name = "PositionInput";
        Field<NonNullGraphType<IdGraphType>>("unit");
        Field<NonNullGraphType<GeometryGraphType>>("point");
        Field<NonNullGraphType<DateTimeGraphType>>("at").Description("When the fix was taken (UTC unless an offset is given).");
        Field<FloatGraphType>("speedKmh");
        Field<FloatGraphType>("headingDeg");
    }
}

internal sealed class PositionReportResultGraphType : ObjectGraphType<PositionReportResult>
{
    public PositionReportResultGraphType()
    {
        Name = "PositionReportResult";
        Field(x => x.Received);
        Field(x => x.Stored).Description("Fixes added to the tracks.");
        Field(x => x.Duplicates).Description("Fixes already held (resends): not stored again.");
        Field(x => x.Superseded).Description("Stored in the track but older than the unit's latest fix, so the unit did not move.");
        Field(x => x.GeofenceEvents).Description("Zone entries and exits this call caused.");
    }
}

internal static class UnitMutations
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, UnitLoaders units, ServiceLoaders services, SpatialArguments spatial, IOptions<UnitOptions> options)
    {
        root.Field<NonNullGraphType<UnitGraphType>>("createUnit")
            .Argument<NonNullGraphType<CreateUnitInputGraphType>>("input")
            .AllowRoles(Role.Admin, Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<Dictionary<string, object?>>("input");
                var service = await services.ServiceById(ctx, Guid.Parse(input["service"]!.ToString()!)).GetResultAsync(ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "no such duty service", "input.service");
                ctx.AuditTerritory(service.TerritoryKato);
                RequireServiceWrite(ctx.Caller(), service.Id, service.Code, service.TerritoryKato);
                var callSign = ((string)input["callSign"]!).Trim();
                if (callSign.Length is 0 or > 64)
                {
                    throw new BadUserInputException("callSign must be 1 to 64 characters", "input.callSign");
                }

                var (personnel, vehicles) = Composition(input["personnel"], input.GetValueOrDefault("vehicles"), "input");
                var basePoint = await spatial.PointAsync((Geometry)input["base"]!, input.GetValueOrDefault("crs") as int? ?? GeoJson.Wgs84, "input.base", ctx.CancellationToken);
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var id = await UnitDb.CreateAsync(tx, service.Id, callSign, (UnitProfile)input["profile"]!, personnel, vehicles,
                    input.GetValueOrDefault("baseName") as string, basePoint, ctx.CancellationToken);
                await EventLog.AppendAsync(tx.Connection, tx.Transaction,
                    [new NewEvent("UNIT_CREATED", "Unit", id!.Value.ToString(), new { callSign, service = service.Code }, basePoint, service.TerritoryKato, ctx.Caller().Name)],
                    ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return await units.UnitById(ctx, id!.Value).GetResultAsync(ctx.CancellationToken);
            });

        root.Field<NonNullGraphType<UnitGraphType>>("updateUnitComposition")
            .Description("Reports a unit's composition: people and vehicles by type.")
            .Argument<NonNullGraphType<IdGraphType>>("unit")
            .Argument<NonNullGraphType<IntGraphType>>("personnel")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>>("vehicles")
            .AllowRoles(Role.Admin, Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(async ctx =>
            {
                var unit = await RequireUnitWriteAsync(ctx, units, services);
                var (personnel, vehicles) = Composition(ctx.GetArgument<object>("personnel"), ctx.GetArgument<object>("vehicles"), "");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                await UnitDb.UpdateCompositionAsync(tx, unit.Id, personnel, vehicles, ctx.CancellationToken);
                await EventLog.AppendAsync(tx.Connection, tx.Transaction,
                    [new NewEvent("UNIT_COMPOSITION_REPORTED", "Unit", unit.Id.ToString(), new { personnel, vehicles }, unit.Location, unit.TerritoryKato, ctx.Caller().Name)],
                    ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return unit with { Personnel = personnel, Vehicles = vehicles };
            });

        root.Field<NonNullGraphType<UnitGraphType>>("setUnitStatus")
            .Description("Moves a unit to another status; only the allowed transitions are accepted (CONFLICT otherwise).")
            .Argument<NonNullGraphType<IdGraphType>>("unit")
            .Argument<NonNullGraphType<UnitStatusGraphType>>("status")
            .AllowRoles(Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(async ctx =>
            {
                var unit = await RequireUnitWriteAsync(ctx, units, services);
                var to = ctx.GetArgument<UnitStatus>("status");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var (from, territory, location) = await UnitDb.SetStatusAsync(tx, unit.Id, to, ctx.CancellationToken);
                await EventLog.AppendAsync(tx.Connection, tx.Transaction,
                    [new NewEvent("UNIT_STATUS_CHANGED", "Unit", unit.Id.ToString(), new { from = DbEnum.Text(from), to = DbEnum.Text(to), callSign = unit.CallSign },
                        location, territory, ctx.Caller().Name)], ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return unit with { Status = to, StatusChangedAt = DateTime.UtcNow };
            });

        root.Field<NonNullGraphType<PositionReportResultGraphType>>("reportPositions")
            .Description("AVL fixes, up to the configured maximum per call (10,000). All or nothing: one bad row refuses the call and names it.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<PositionInputGraphType>>>>("positions")
            .Argument<IntGraphType>("crs", "EPSG code of the points (default 4326).")
            .AllowRoles(Role.Ingest, Role.PartnerOfficer, Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var reports = await ReadPositionsAsync(ctx, spatial, options.Value);
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var owners = await UnitDb.OwnersAsync(tx.Connection, reports.Select(r => r.Unit).ToHashSet(), ctx.CancellationToken);
                for (var i = 0; i < reports.Count; i++)
                {
                    var owner = (owners.TryGetValue(reports[i].Unit, out var found) ? found : null)
                        ?? throw new DispatchException(ErrorCodes.NotFound, $"positions[{i}].unit: no such unit", $"positions[{i}].unit");
                    RequireUnitWrite(ctx.Caller(), owner, $"positions[{i}].unit");
                }

                ctx.AuditTerritory(owners.Values.Select(o => o.TerritoryKato).Distinct().Count() == 1 ? owners.Values.First().TerritoryKato : null);
                var result = await UnitDb.ReportPositionsAsync(tx, reports, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return result;
            });
    }

    private static async Task<List<PositionReport>> ReadPositionsAsync(IResolveFieldContext ctx, SpatialArguments spatial, UnitOptions options)
    {
        var rows = ctx.GetArgument<List<Dictionary<string, object?>>>("positions");
        if (rows.Count == 0 || rows.Count > options.MaxPositionsPerCall)
        {
            throw new BadUserInputException($"positions must hold 1 to {options.MaxPositionsPerCall} fixes, got {rows.Count}", "positions");
        }

        var epsg = ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84;
        var now = DateTime.UtcNow;
        var reports = new List<PositionReport>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var at = Utc((DateTime)row["at"]!);
            if (at > now + options.ClockSkew)
            {
                throw new BadUserInputException($"positions[{i}].at {at:O} is in the future (allowed clock skew {options.ClockSkew})", $"positions[{i}].at");
            }

            if (at < now - options.MaxPositionAge)
            {
                throw new BadUserInputException($"positions[{i}].at {at:O} is older than {options.MaxPositionAge.TotalDays} days", $"positions[{i}].at");
            }

            var speed = Optional(row, "speedKmh");
            if (speed is < 0 or > 1500)
            {
                throw new BadUserInputException($"positions[{i}].speedKmh must be 0 to 1500", $"positions[{i}].speedKmh");
            }

            var heading = Optional(row, "headingDeg");
            if (heading is < 0 or >= 360)
            {
                throw new BadUserInputException($"positions[{i}].headingDeg must be at least 0 and under 360", $"positions[{i}].headingDeg");
            }

            var point = await spatial.PointAsync((Geometry)row["point"]!, epsg, $"positions[{i}].point", ctx.CancellationToken);
            reports.Add(new PositionReport(Guid.Parse(row["unit"]!.ToString()!), point, at, (float?)speed, (float?)heading));
        }

        return reports;
    }

    private static double? Optional(Dictionary<string, object?> row, string name) =>
        row.GetValueOrDefault(name) is { } value ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Times without an offset are taken as UTC, the contract's zone.</summary>
    internal static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    internal static (int Personnel, IReadOnlyList<VehicleCount> Vehicles) Composition(object? personnel, object? vehicles, string prefix)
    {
        var people = Convert.ToInt32(personnel, System.Globalization.CultureInfo.InvariantCulture);
        var at = prefix.Length == 0 ? "" : prefix + ".";
        if (people is < 0 or > 10_000)
        {
            throw new BadUserInputException("personnel must be 0 to 10000", at + "personnel");
        }

        var list = ((vehicles as IEnumerable<object?>) ?? []).Cast<Dictionary<string, object?>>()
            .Select(v => new VehicleCount(((string)v["type"]!).Trim(), Convert.ToInt32(v["count"], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        if (list.Any(v => v.Type.Length == 0 || v.Count is < 1 or > 1000))
        {
            throw new BadUserInputException("each vehicle needs a type and a count of 1 to 1000", at + "vehicles");
        }

        return (people, list);
    }

    private static async Task<Unit> RequireUnitWriteAsync(IResolveFieldContext ctx, UnitLoaders units, ServiceLoaders services)
    {
        var unit = await units.UnitById(ctx, ctx.GetArgument<Guid>("unit")).GetResultAsync(ctx.CancellationToken)
            ?? throw new DispatchException(ErrorCodes.NotFound, "no such unit", "unit");
        ctx.AuditTerritory(unit.TerritoryKato);
        var service = await services.ServiceById(ctx, unit.ServiceId).GetResultAsync(ctx.CancellationToken);
        RequireUnitWrite(ctx.Caller(), new UnitOwner(unit.Id, unit.ServiceId, service!.Code, unit.TerritoryKato), "unit");
        return unit;
    }

    /// <summary>
    /// 112 officers write units in their territories; a partner officer only its own service's units; an ingest
    /// account only the units or services its token names (or all with "*").
    /// </summary>
    internal static void RequireUnitWrite(Caller caller, UnitOwner owner, string argument)
    {
        var allowed = caller.Role switch
        {
            Role.DutyOfficer112 or Role.Admin => caller.Scope.Covers(owner.TerritoryKato),
            Role.PartnerOfficer => IsOwnService(caller, owner.ServiceId, owner.ServiceCode),
            Role.Ingest => caller.Sources.Contains("*") || caller.Sources.Contains(owner.Id.ToString()) || caller.Sources.Contains(owner.ServiceCode),
            _ => false,
        };
        if (!allowed)
        {
            throw new ForbiddenException("this unit is not one this token may write", argument);
        }
    }

    internal static void RequireServiceWrite(Caller caller, Guid serviceId, string serviceCode, string territory)
    {
        var allowed = caller.Role == Role.PartnerOfficer ? IsOwnService(caller, serviceId, serviceCode) : caller.Scope.Covers(territory);
        if (!allowed)
        {
            throw new ForbiddenException("this service is not one this token may write", "service");
        }
    }

    internal static bool IsOwnService(Caller caller, Guid serviceId, string serviceCode) =>
        caller.ServiceId is { } own && (own == serviceCode || own == serviceId.ToString());
}
