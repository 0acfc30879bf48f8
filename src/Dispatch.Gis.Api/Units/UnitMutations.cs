using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Units;

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

internal sealed class UnitMutations(NpgsqlDataSource db, UnitLoaders units, ServiceLoaders services, SpatialArguments spatial, IOptions<UnitOptions> options)
{
    public const int MaxCallSignLength = TextLimits.Code;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<UnitGraphType>>("createUnit")
            .Argument<NonNullGraphType<CreateUnitInputGraphType>>("input")
            .AllowRoles(Role.Admin, Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(CreateUnitAsync);

        root.Field<NonNullGraphType<UnitGraphType>>("updateUnitComposition")
            .Description("Reports a unit's composition: people and vehicles by type.")
            .Argument<NonNullGraphType<IdGraphType>>("unit")
            .Argument<NonNullGraphType<IntGraphType>>("personnel")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>>("vehicles")
            .AllowRoles(Role.Admin, Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(UpdateUnitCompositionAsync);

        root.Field<NonNullGraphType<UnitGraphType>>("setUnitStatus")
            .Description("Moves a unit to another status; only the allowed transitions are accepted (CONFLICT otherwise).")
            .Argument<NonNullGraphType<IdGraphType>>("unit")
            .Argument<NonNullGraphType<UnitStatusGraphType>>("status")
            .AllowRoles(Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(SetUnitStatusAsync);

        root.Field<NonNullGraphType<PositionReportResultGraphType>>("reportPositions")
            .Description("AVL fixes, up to the configured maximum per call (10,000). All or nothing: one bad row refuses the call and names it.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<PositionInputGraphType>>>>("positions")
            .Argument<IntGraphType>("crs", "EPSG code of the points (default 4326).")
            .AllowRoles(Role.Ingest, Role.PartnerOfficer, Role.DutyOfficer112)
            .ResolveAsync(ReportPositionsAsync);
    }

    private async Task<object?> CreateUnitAsync(IResolveFieldContext ctx)
    {
        var input = ctx.GetArgument<CreateUnitInput>("input");
        var service = await services.ServiceById(ctx, Ids.Parse(input.Service, "input.service")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such duty service", "input.service");
        ctx.AuditTerritory(service.TerritoryKato);
        UnitAccess.RequireServiceWrite(ctx.Caller(), service.Id, service.Code, service.TerritoryKato);
        var callSign = input.CallSign.Trim();
        if (callSign.Length is 0 or > MaxCallSignLength)
        {
            throw new BadUserInputException($"callSign must be 1 to {MaxCallSignLength} characters", "input.callSign");
        }

        var composition = UnitComposition.Read(input.Personnel, input.Vehicles, "input");
        var basePoint = await spatial.PointAsync(input.Base, input.Crs ?? GeoJson.Wgs84, "input.base", ctx.CancellationToken);
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => UnitDb.CreateAsync(w, service, callSign, input.Profile, composition, input.BaseName?.Trim(), basePoint, ctx.CancellationToken), ctx.CancellationToken);
        return await units.UnitById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> UpdateUnitCompositionAsync(IResolveFieldContext ctx)
    {
        var unit = await RequireUnitWriteAsync(ctx);
        var composition = UnitComposition.Read(ctx.GetArgument<int>("personnel"), ctx.GetArgument<List<VehicleInput>>("vehicles"), "");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => UnitDb.UpdateCompositionAsync(w, unit, composition, ctx.CancellationToken), ctx.CancellationToken);
        return await units.UnitById(ctx, unit.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> SetUnitStatusAsync(IResolveFieldContext ctx)
    {
        var unit = await RequireUnitWriteAsync(ctx);
        var to = ctx.GetArgument<UnitStatus>("status");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => UnitDb.SetStatusAsync(w, unit.Id, to, null, ctx.CancellationToken), ctx.CancellationToken);
        return await units.UnitById(ctx, unit.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> ReportPositionsAsync(IResolveFieldContext ctx)
    {
        var reports = await ReadPositionsAsync(ctx);
        var owners = await UnitDb.OwnersAsync(db, reports.Select(r => r.Unit).ToHashSet(), ctx.CancellationToken);
        for (var i = 0; i < reports.Count; i++)
        {
            var owner = (owners.TryGetValue(reports[i].Unit, out var found) ? found : null)
                ?? throw new NotFoundException($"positions[{i}].unit: no such unit", $"positions[{i}].unit");
            UnitAccess.RequireUnitWrite(ctx.Caller(), owner, $"positions[{i}].unit");
        }

        // The batch's territory when all its units share one; otherwise none (and nationwide viewers see its event).
        var territory = owners.Values.Select(o => o.TerritoryKato).Distinct().Count() == 1 ? owners.Values.First().TerritoryKato : null;
        ctx.AuditTerritory(territory);
        var result = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => UnitDb.ReportPositionsAsync(w, reports, territory, ctx.CancellationToken), ctx.CancellationToken);
        Hosting.DispatchMetrics.PositionsReported(result.Received, result.Stored);
        return result;
    }

    private async Task<List<PositionReport>> ReadPositionsAsync(IResolveFieldContext ctx)
    {
        var limits = options.Value;
        var rows = ctx.GetArgument<List<PositionInput>>("positions");
        if (rows.Count == 0 || rows.Count > limits.MaxPositionsPerCall)
        {
            throw new BadUserInputException($"positions must hold 1 to {limits.MaxPositionsPerCall} fixes, got {rows.Count}", "positions");
        }

        var epsg = ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84;
        var now = DateTime.UtcNow;
        var reports = new List<PositionReport>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var unit = Ids.Parse(row.Unit, $"positions[{i}].unit");
            var at = Times.Utc(row.At);
            if (at > now + limits.ClockSkew)
            {
                throw new BadUserInputException($"positions[{i}].at {at:O} is in the future (allowed clock skew {limits.ClockSkew})", $"positions[{i}].at");
            }

            if (at < now - limits.MaxPositionAge)
            {
                throw new BadUserInputException($"positions[{i}].at {at:O} is older than {limits.MaxPositionAge.TotalDays} days", $"positions[{i}].at");
            }

            if (row.SpeedKmh is { } speed && (!double.IsFinite(speed) || speed is < 0 or > 1500))
            {
                throw new BadUserInputException($"positions[{i}].speedKmh must be 0 to 1500", $"positions[{i}].speedKmh");
            }

            if (row.HeadingDeg is { } heading && (!double.IsFinite(heading) || heading is < 0 or >= 360))
            {
                throw new BadUserInputException($"positions[{i}].headingDeg must be at least 0 and under 360", $"positions[{i}].headingDeg");
            }

            var point = await spatial.PointAsync(row.Point, epsg, $"positions[{i}].point", ctx.CancellationToken);
            reports.Add(new PositionReport(unit, point, at, (float?)row.SpeedKmh, (float?)row.HeadingDeg));
        }

        return reports;
    }

    private async Task<Unit> RequireUnitWriteAsync(IResolveFieldContext ctx)
    {
        var unit = await units.UnitById(ctx, ctx.GetId("unit")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such unit", "unit");
        ctx.AuditTerritory(unit.TerritoryKato);
        var service = await services.ServiceById(ctx, unit.ServiceId).GetResultAsync(ctx.CancellationToken);
        UnitAccess.RequireUnitWrite(ctx.Caller(), new UnitOwner(unit.Id, unit.ServiceId, service!.Code, unit.TerritoryKato), "unit");
        return unit;
    }
}
