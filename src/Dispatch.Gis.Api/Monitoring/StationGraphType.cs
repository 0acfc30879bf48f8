using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Monitoring;

internal sealed class StationKindGraphType : EnumerationGraphType<StationKind>
{
    public StationKindGraphType() => Name = "StationKind";
}

internal sealed class StationThresholdGraphType : ObjectGraphType<StationThreshold>
{
    public StationThresholdGraphType(MonitoringRules rules)
    {
        Name = "StationThreshold";
        Description = "A station's own level for a parameter, dated and cited: readings at or above the value have the level, from validFrom on.";
        Field(x => x.Parameter);
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field(x => x.Value);
        Field<NonNullGraphType<StringGraphType>>("unit").Resolve(ctx => rules.Parameter(ctx.Source.Parameter)?.Unit ?? "");
        Field(x => x.Label, nullable: true).Description("e.g. опасный уровень (ОУ), the danger level of a hydro post.");
        Field<NonNullGraphType<DateOnlyGraphType>>("validFrom").Resolve(ctx => ctx.Source.ValidFrom);
        Field(x => x.Citation, nullable: true);
        Field(x => x.Verified).Description("False: a placeholder until taken from the official text.");
        Field(x => x.Source).Description("\"api\" (entered with upsertStation) or the thresholds.json version it came from.");
    }
}

internal sealed class LatestObservationGraphType : ObjectGraphType<LatestObservation>
{
    public LatestObservationGraphType()
    {
        Name = "LatestObservation";
        Description = "A station's newest reading of a parameter: what its situation is judged on.";
        Field(x => x.Parameter);
        Field(x => x.Value).Description("In the parameter's unit.");
        Field(x => x.Unit);
        Field<NonNullGraphType<DateTimeGraphType>>("observedAt").Resolve(ctx => ctx.Source.ObservedAt);
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field<NonNullGraphType<FloatGraphType>>("ageSeconds").Resolve(ctx => Math.Round((DateTime.UtcNow - ctx.Source.ObservedAt).TotalSeconds, 1));
    }
}

internal sealed class ObservationGraphType : ObjectGraphType<Observation>
{
    public ObservationGraphType()
    {
        Name = "Observation";
        Field(x => x.Parameter);
        Field(x => x.Value).Description("In the parameter's unit (converted on ingestion).");
        Field(x => x.Unit);
        Field<NonNullGraphType<DateTimeGraphType>>("observedAt").Resolve(ctx => ctx.Source.ObservedAt);
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Description("The level the thresholds in force at observedAt gave it.").Resolve(ctx => ctx.Source.Level);
        Field<NonNullGraphType<DateTimeGraphType>>("receivedAt").Resolve(ctx => ctx.Source.ReceivedAt);
    }
}

internal sealed class MonitoringStationGraphType : ObjectGraphType<Station>
{
    public const int MaxObservations = 1000;

    public MonitoringStationGraphType(StationLoaders loaders, TerritoryLoaders territories, DangerousObjectLoaders objects)
    {
        Name = "MonitoringStation";
        Description = "A station of an observation, control or forecasting service, or a dangerous object's own sensor (Rules §5.2).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Code);
        Field(x => x.Name);
        Field(x => x.Operator).Description("Kazhydromet, a sanitary service, the object's operator…");
        Field<NonNullGraphType<StationKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<GeometryGraphType>>("location").Resolve(ctx => ctx.Source.Location);
        Field(x => x.TerritoryKato, nullable: true).Description("The district its point lies in.");
        Field<TerritoryGraphType>("territory").Resolve(ctx => ctx.Source.TerritoryKato is { } kato ? territories.TerritoryByKato(ctx, kato) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("parameters").Resolve(ctx => ctx.Source.Parameters);
        Field(x => x.WaterBody, nullable: true).Description("The river or lake of a hydro post.");
        Field<DangerousObjectGraphType>("dangerousObject").Description("The object whose own sensor this is.")
            .Resolve(ctx => ctx.Source.DangerousObjectId is { } id ? objects.ObjectById(ctx, id) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StationThresholdGraphType>>>>("thresholds")
            .Description("The station's own dated levels (every version kept: a reading is judged by those in force at its time).")
            .Resolve(ctx => loaders.ThresholdsByStationId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LatestObservationGraphType>>>>("latest")
            .Resolve(ctx => loaders.LatestByStationId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ObservationGraphType>>>>("observations")
            .Description($"Readings in a window, newest first (default the last 24 hours, at most {MaxObservations}).")
            .Argument<StringGraphType>("parameter")
            .Argument<DateTimeGraphType>("from")
            .Argument<DateTimeGraphType>("to")
            .Argument<IntGraphType>("last", "Default 100.")
            .Resolve(ctx =>
            {
                var to = Times.Utc(ctx.GetArgument<DateTime?>("to"));
                var from = Times.Utc(ctx.GetArgument<DateTime?>("from"));
                var last = ctx.GetArgument<int?>("last") ?? 100;
                if (last is < 1 or > MaxObservations || from >= (to ?? DateTime.MaxValue))
                {
                    throw new BadUserInputException($"last must be 1 to {MaxObservations}, and from before to", last is < 1 or > MaxObservations ? "last" : "from");
                }

                return loaders.ObservationsByStationId(ctx, ctx.Source.Id, ctx.GetArgument<string?>("parameter"), from, to, last);
            });
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
    }
}

internal sealed class MonitoringStationConnectionGraphType() : ConnectionGraphType<Station, MonitoringStationGraphType>("MonitoringStation");

internal sealed class MonitoringParameterGraphType : ObjectGraphType<ParameterRule>
{
    public MonitoringParameterGraphType()
    {
        Name = "MonitoringParameter";
        Description = "A parameter of data/monitoring/thresholds.json: its unit, the units it may arrive in, its physical range, domain and national ladder.";
        Field(x => x.Code);
        Field(x => x.Name);
        Field<NonNullGraphType<SituationDomainGraphType>>("domain").Resolve(ctx => ctx.Source.Domain);
        Field(x => x.Unit);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("acceptedUnits").Resolve(ctx => ctx.Source.Units.Keys.ToList());
        Field(x => x.Min);
        Field(x => x.Max);
        Field<NonNullGraphType<FloatGraphType>>("freshForHours").Description("How long a reading stays evidence.").Resolve(ctx => ctx.Source.FreshFor.TotalHours);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LevelThresholdGraphType>>>>("ladder")
            .Description("The national ladder; a station with levels of its own is judged by those instead.").Resolve(ctx => ctx.Source.Ladder);
    }
}

internal sealed class LevelThresholdGraphType : ObjectGraphType<LevelThreshold>
{
    public LevelThresholdGraphType()
    {
        Name = "LevelThreshold";
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field(x => x.Value).Description("At or above: the level.");
        Field(x => x.Label, nullable: true);
        Field(x => x.Citation, nullable: true);
        Field(x => x.Verified);
        Field(x => x.Source);
    }
}
