using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Zones;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

internal sealed class ForecastLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<Forecast?> ForecastById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Forecast>(ctx, "ForecastById", id, (keys, ct) => ForecastDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<ForecastVersion>> VersionsByForecastId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, ForecastVersion>(ctx, "ForecastVersionsByForecastId", id, (keys, ct) => ForecastDb.VersionsByForecastAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<ForecastHorizon>> HorizonsByForecastId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, ForecastHorizon>(ctx, "ForecastHorizonsByForecastId", id, (keys, ct) => ForecastDb.HorizonsByForecastAsync(db, keys, ct));
}

internal sealed class ForecastGraphType : ObjectGraphType<Forecast>
{
    public ForecastGraphType(ForecastLoaders loaders)
    {
        Name = "Forecast";
        Description = "A hazard forecast job: QUEUED, RUNNING, then SUCCEEDED or FAILED (or CANCELLED); each computation is a new version.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<ForecastModelGraphType>>("model").Resolve(ctx => ctx.Source.Model);
        Field<NonNullGraphType<ForecastStateGraphType>>("state").Resolve(ctx => ctx.Source.State);
        Field<NonNullGraphType<FloatGraphType>>("progress").Description("0 to 1.").Resolve(ctx => ctx.Source.Progress);
        Field(x => x.Version).Description("Computations that produced a result.");
        Field(x => x.TerritoryKato, nullable: true).Description("The district of the source.");
        Field<IdGraphType>("dangerousObjectId").Resolve(ctx => ctx.Source.DangerousObjectId);
        Field<IdGraphType>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<NonNullGraphType<GeometryGraphType>>("source").Resolve(ctx => GeoJson.Write(ctx.Source.Source));
        Field(x => x.Substance, nullable: true).Description("The substance released (CHEMICAL_RELEASE; GAUSSIAN_PLUME when given).");
        Field(x => x.ReleasedMassKilograms, nullable: true)
            .Description("CHEMICAL_RELEASE, as asked for; with massFromStock the computation's own mass is in inputs.");
        Field<NonNullGraphType<JsonGraphType>>("parameters")
            .Description("What was asked that only this model reads (a plume's emission rate, threshold, height and terrain; a flood's water level).")
            .Resolve(ctx => System.Text.Json.JsonSerializer.SerializeToElement(ctx.Source.Parameters, ForecastDb.Json));
        Field<IdGraphType>("hydroPostId").Description("FLOOD_BY_LEVEL: the hydro post whose level selects the zone.").Resolve(ctx => ctx.Source.HydroPostId);
        Field<JsonGraphType>("figures")
            .Description("The latest computation's model-wide figures: DAM_BREAK's peak outflow range (m³/s, Froehlich 1995 / MacDonald 1984 / Froehlich 2008) and wave; GAUSSIAN_PLUME's threshold and class.")
            .Resolve(ctx => ctx.Source.Figures);
        Field(x => x.MassFromStock).Description("The released mass is the object's declared stock, read at each computation.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IntGraphType>>>>("horizonsMinutes").Resolve(ctx => ctx.Source.HorizonsMinutes);
        Field(x => x.CompressedGas);
        Field<ForecastWeatherGraphType>("weather").Description("The weather the officer gave, if any.").Resolve(ctx => ctx.Source.Weather);
        Field<IdGraphType>("stationId").Description("The meteorological station whose readings the latest computation used.")
            .Resolve(ctx => ctx.Source.StationId);
        Field<JsonGraphType>("inputs").Description("Every input the latest computation used, resolved.").Resolve(ctx => ctx.Source.Inputs);
        Field(x => x.InputsHash, nullable: true).Description("SHA-256 of inputs: the same inputs are never computed twice.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("assumptions").Resolve(ctx => ctx.Source.Assumptions);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForecastWarningGraphType>>>>("warnings").Resolve(ctx => ctx.Source.Warnings);
        Field(x => x.Error, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForecastHorizonGraphType>>>>("horizons").Description("Shortest first.")
            .Costing(Costs.Scan)
            .Resolve(ctx => loaders.HorizonsByForecastId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForecastVersionGraphType>>>>("versions")
            .Description("Every computation that produced a result, oldest first, with the inputs it used.")
            .Costing(Costs.Scan)
            .Resolve(ctx => loaders.VersionsByForecastId(ctx, ctx.Source.Id));
        Field(x => x.CreatedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<DateTimeGraphType>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<DateTimeGraphType>("finishedAt").Resolve(ctx => ctx.Source.FinishedAt);
    }
}

internal sealed class ForecastVersionGraphType : ObjectGraphType<ForecastVersion>
{
    public ForecastVersionGraphType()
    {
        Name = "ForecastVersion";
        Description = "One computation that produced a result; the zones' versions of that computation carry its number in their note.";
        Field(x => x.Version);
        Field<NonNullGraphType<ForecastComputationReasonGraphType>>("reason").Resolve(ctx => ctx.Source.Reason);
        Field<NonNullGraphType<JsonGraphType>>("inputs").Resolve(ctx => ctx.Source.Inputs);
        Field(x => x.InputsHash);
        Field<IdGraphType>("stationId").Resolve(ctx => ctx.Source.StationId);
        Field<NonNullGraphType<DateTimeGraphType>>("computedAt").Resolve(ctx => ctx.Source.ComputedAt);
    }
}

internal sealed class ForecastComputationReasonGraphType : EnumerationGraphType<ComputationReason>
{
    public ForecastComputationReasonGraphType() => Name = "ForecastComputationReason";
}

internal sealed class ForecastConnectionGraphType() : ConnectionGraphType<Forecast, ForecastGraphType>("Forecast");

internal sealed class ForecastWeatherGraphType : ObjectGraphType<ForecastWeather>
{
    public ForecastWeatherGraphType()
    {
        Name = "ForecastWeather";
        Field(x => x.WindSpeedMetresPerSecond, nullable: true);
        Field(x => x.WindFromDegrees, nullable: true);
        Field(x => x.AirTemperatureCelsius, nullable: true);
        Field<AirStabilityGraphType>("stability").Resolve(ctx => ctx.Source.Stability);
        Field(x => x.CloudCoverOktas, nullable: true);
    }
}

internal sealed class ForecastWarningGraphType : ObjectGraphType<ForecastWarning>
{
    public ForecastWarningGraphType()
    {
        Name = "ForecastWarning";
        Description = "A condition outside what the method was built or verified for; the code is stable, the message prose.";
        Field(x => x.Code);
        Field(x => x.Message);
    }
}

internal sealed class ForecastHorizonGraphType : ObjectGraphType<ForecastHorizon>
{
    public ForecastHorizonGraphType(ZoneLoaders zones)
    {
        Name = "ForecastHorizon";
        Field(x => x.Minutes);
        Field<ZoneGraphType>("zone").Description("The FORECAST emergency zone of this horizon (null outside the caller's territories).")
            .Resolve(ctx => zones.ZoneById(ctx, ctx.Source.ZoneId));
        Field<NonNullGraphType<IdGraphType>>("zoneId").Resolve(ctx => ctx.Source.ZoneId);
        Field(x => x.ZoneVersion).Description("The zone version the latest computation wrote.");
        Field(x => x.DepthMeters, nullable: true).Description("CHEMICAL_RELEASE: min(table depth, transport cap), the radius of the zone; null for other models.");
        Field(x => x.TableDepthMeters, nullable: true).Description("CHEMICAL_RELEASE only.");
        Field(x => x.TransportCapMeters, nullable: true).Description("CHEMICAL_RELEASE only.");
        Field(x => x.PossibleAreaSquareMeters, nullable: true).Description("CHEMICAL_RELEASE only.");
        Field(x => x.ActualAreaSquareMeters, nullable: true).Description("CHEMICAL_RELEASE only.");
        Field<NonNullGraphType<JsonGraphType>>("figures")
            .Description("The model's figures for this horizon: CHEMICAL_RELEASE depth; GAUSSIAN_PLUME downwind reach and half-width; DAM_BREAK front distance, wave height, speed and arrival; FLOOD_BY_LEVEL the level drawn.")
            .Resolve(ctx => ctx.Source.Figures);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForecastWarningGraphType>>>>("warnings").Resolve(ctx => ctx.Source.Warnings);
        Field<NonNullGraphType<ExposureGraphType>>("exposure").Resolve(ctx => ctx.Source.Exposure);
    }
}

internal sealed class ExposureGraphType : ObjectGraphType<Exposure>
{
    public ExposureGraphType()
    {
        Name = "ForecastExposure";
        Description = "What the horizon's zone reached when it was computed.";
        Field<NonNullGraphType<LongGraphType>>("population").Description("People inside; see populationMethod.").Resolve(ctx => ctx.Source.Population);
        Field(x => x.PopulationMethod);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExposedSettlementGraphType>>>>("settlements").Resolve(ctx => ctx.Source.Settlements);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExposedObjectGraphType>>>>("dangerousObjects")
            .Description("Dangerous objects inside, besides the forecast's own source.").Resolve(ctx => ctx.Source.DangerousObjects);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExposedUnitGraphType>>>>("units").Description("Units whose position was inside.")
            .Resolve(ctx => ctx.Source.Units);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RouteCrossingGraphType>>>>("routeCrossings")
            .Description("Units on their way to the forecast's incident whose path runs through the zone.").Resolve(ctx => ctx.Source.RouteCrossings);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WeightedDistrictGraphType>>>>("weightedDistricts")
            .Description("Districts with a published population total the zone reaches, and the people counted from each beyond its settlement points.")
            .Resolve(ctx => ctx.Source.WeightedDistricts ?? []);
    }
}

internal sealed class WeightedDistrictGraphType : ObjectGraphType<WeightedDistrict>
{
    public WeightedDistrictGraphType()
    {
        Name = "ExposureWeightedDistrict";
        Field(x => x.Kato);
        Field(x => x.Name).Description("English name.");
        Field<NonNullGraphType<LongGraphType>>("total").Description("The district's published total.").Resolve(ctx => ctx.Source.Total);
        Field(x => x.Year);
        Field(x => x.Source);
        Field<NonNullGraphType<LongGraphType>>("outsidePoints").Description("Total less the district's settlement points, not below 0.")
            .Resolve(ctx => ctx.Source.OutsidePoints);
        Field(x => x.AreaShare).Description("area(zone ∩ district) / area(district), on the WGS 84 spheroid.");
        Field<NonNullGraphType<LongGraphType>>("people").Description("outsidePoints × areaShare, rounded: counted in population.").Resolve(ctx => ctx.Source.People);
    }
}

internal sealed class ExposedSettlementGraphType : ObjectGraphType<ExposedSettlement>
{
    public ExposedSettlementGraphType()
    {
        Name = "ExposedSettlement";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Name);
        Field<NonNullGraphType<LongGraphType>>("population").Resolve(ctx => ctx.Source.Population);
    }
}

internal sealed class ExposedObjectGraphType : ObjectGraphType<ExposedObject>
{
    public ExposedObjectGraphType()
    {
        Name = "ExposedDangerousObject";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Name);
        Field(x => x.HazardClass);
    }
}

internal sealed class ExposedUnitGraphType : ObjectGraphType<ExposedUnit>
{
    public ExposedUnitGraphType()
    {
        Name = "ExposedUnit";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.CallSign);
        Field(x => x.Status);
        Field<NonNullGraphType<IdGraphType>>("serviceId").Resolve(ctx => ctx.Source.ServiceId);
    }
}

internal sealed class RouteCrossingGraphType : ObjectGraphType<RouteCrossing>
{
    public RouteCrossingGraphType()
    {
        Name = "RouteCrossing";
        Field<NonNullGraphType<IdGraphType>>("unitId").Resolve(ctx => ctx.Source.UnitId);
        Field(x => x.CallSign);
        Field(x => x.Status);
        Field<NonNullGraphType<IdGraphType>>("serviceId").Resolve(ctx => ctx.Source.ServiceId);
        Field(x => x.ServiceCode);
        Field(x => x.TerritoryKato, nullable: true);
        Field(x => x.Path).Description("STRAIGHT_LINE: from the unit's position to the incident; no road routing.");
        Field(x => x.DistanceInsideMeters).Description("Length of the path inside the zone.");
    }
}
