using Dispatch.Gis.Geo;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Territories;
using GraphQL.Types;

namespace Dispatch.Gis.Situation;

internal sealed class SituationLevelGraphType : EnumerationGraphType<SituationLevel>
{
    public SituationLevelGraphType() => Name = "SituationLevel";
}

internal sealed class EvidenceKindGraphType : EnumerationGraphType<EvidenceKind>
{
    public EvidenceKindGraphType() => Name = "EvidenceKind";
}

internal sealed class SuggestionStatusGraphType : EnumerationGraphType<SuggestionStatus>
{
    public SuggestionStatusGraphType() => Name = "SuggestionStatus";
}

internal sealed class EvidenceGraphType : ObjectGraphType<Evidence>
{
    public EvidenceGraphType()
    {
        Name = "Evidence";
        Description = "One reason for a level: a station's latest reading against its threshold, an earthquake near settlements, or a warning meeting the territory.";
        Field<NonNullGraphType<EvidenceKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field(x => x.Summary);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Description("When it was observed, occurred or came in force.").Resolve(ctx => ctx.Source.At);
        Field(x => x.StationCode, nullable: true);
        Field(x => x.StationName, nullable: true);
        Field(x => x.Parameter, nullable: true);
        Field(x => x.Value, nullable: true);
        Field(x => x.Unit, nullable: true);
        Field(x => x.Threshold, nullable: true).Description("The threshold the value met.");
        Field(x => x.ThresholdLabel, nullable: true);
        Field(x => x.Citation, nullable: true).Description("Where the threshold or rule comes from.");
        Field(x => x.Verified, nullable: true);
        Field(x => x.ThresholdSource, nullable: true);
        Field(x => x.EarthquakeId, nullable: true);
        Field(x => x.Magnitude, nullable: true);
        Field(x => x.Settlement, nullable: true).Description("The territory's settlement nearest to the epicentre (a district without one in the reference set: the district).");
        Field(x => x.DistanceKm, nullable: true);
        Field(x => x.WarningId, nullable: true).Description("\"sender,identifier\" of the CAP alert.");
        Field(x => x.WarningEvent, nullable: true);
        Field(x => x.Severity, nullable: true);
        Field<DateTimeGraphType>("expires").Resolve(ctx => ctx.Source.Expires);
    }
}

internal sealed class DomainSituationGraphType : ObjectGraphType<DomainSituation>
{
    public DomainSituationGraphType()
    {
        Name = "DomainSituation";
        Field<NonNullGraphType<SituationDomainGraphType>>("domain").Resolve(ctx => ctx.Source.Domain);
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field<DateTimeGraphType>("since").Description("When the level was reached (null: NORMAL ever since monitoring began).").Resolve(ctx => ctx.Source.Since);
        Field<SituationLevelGraphType>("previousLevel").Resolve(ctx => ctx.Source.Previous);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EvidenceGraphType>>>>("evidence")
            .Description("What sets the level, weightiest first (at most 20).").Resolve(ctx => ctx.Source.Evidence);
        Field<DateTimeGraphType>("evidenceUpdatedAt").Description("When the evidence last changed.").Resolve(ctx => ctx.Source.EvaluatedAt);
    }
}

internal sealed class TerritorySituationGraphType : ObjectGraphType<TerritorySituation>
{
    public TerritorySituationGraphType(TerritoryLoaders territories)
    {
        Name = "TerritorySituation";
        Description = "The radiation, chemical, biological, ecological, fire, hydrological, seismic and meteorological situation of a territory (Rules §5.2).";
        Field(x => x.TerritoryKato);
        Field<TerritoryGraphType>("territory").Resolve(ctx => territories.TerritoryByKato(ctx, ctx.Source.TerritoryKato));
        Field<NonNullGraphType<SituationLevelGraphType>>("highest").Resolve(ctx => ctx.Source.Highest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DomainSituationGraphType>>>>("domains").Resolve(ctx => ctx.Source.Domains);
    }
}

internal sealed class RegimeSuggestionGraphType : ObjectGraphType<RegimeSuggestion>
{
    public RegimeSuggestionGraphType(TerritoryLoaders territories)
    {
        Name = "RegimeSuggestion";
        Description = "A suggestion to raise a territory's regime, for the 112 officer to accept (which declares it) or dismiss. Never acted on by the service.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.TerritoryKato);
        Field<TerritoryGraphType>("territory").Resolve(ctx => territories.TerritoryByKato(ctx, ctx.Source.TerritoryKato));
        Field<NonNullGraphType<RegimeGraphType>>("regime").Resolve(ctx => ctx.Source.Regime);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SituationDomainGraphType>>>>("domains").Resolve(ctx => ctx.Source.Domains);
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field(x => x.Reason);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EvidenceGraphType>>>>("evidence").Resolve(ctx => ctx.Source.Evidence);
        Field<NonNullGraphType<SuggestionStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field(x => x.DecidedBy, nullable: true);
        Field<DateTimeGraphType>("decidedAt").Resolve(ctx => ctx.Source.DecidedAt);
        Field(x => x.Note, nullable: true).Description("The basis of acceptance, the reason of dismissal, or why it lapsed.");
        Field<IdGraphType>("declarationId").Resolve(ctx => ctx.Source.DeclarationId);
    }
}

internal sealed class SituationChangeGraphType : ObjectGraphType<SituationChange>
{
    public SituationChangeGraphType()
    {
        Name = "SituationChange";
        Field<NonNullGraphType<IdGraphType>>("eventId").Resolve(ctx => ctx.Source.EventId);
        Field(x => x.TerritoryKato);
        Field<NonNullGraphType<SituationDomainGraphType>>("domain").Resolve(ctx => ctx.Source.Domain);
        Field<NonNullGraphType<SituationLevelGraphType>>("from").Resolve(ctx => ctx.Source.From);
        Field<NonNullGraphType<SituationLevelGraphType>>("to").Resolve(ctx => ctx.Source.To);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Resolve(ctx => ctx.Source.At);
    }
}

internal sealed class IssuedReportGraphType : ObjectGraphType<IssuedReport>
{
    public IssuedReportGraphType()
    {
        Name = "IssuedSituationReport";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.IssuedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("issuedAt").Resolve(ctx => ctx.Source.IssuedAt);
    }
}

internal sealed class SituationReportGraphType : ObjectGraphType<SituationReport>
{
    public SituationReportGraphType(TerritoryLoaders territories)
    {
        Name = "SituationReport";
        Description = "The summary 112 sends (Rules §5.2): levels with evidence, what changed since the last issued report, active warnings, recent earthquakes, silent feeds, open suggestions.";
        Field(x => x.TerritoryKato);
        Field<TerritoryGraphType>("territory").Resolve(ctx => territories.TerritoryByKato(ctx, ctx.Source.TerritoryKato));
        Field<NonNullGraphType<DateTimeGraphType>>("generatedAt").Resolve(ctx => ctx.Source.GeneratedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("since").Description("Changes are those after this: the last issued report, or the time asked for.").Resolve(ctx => ctx.Source.Since);
        Field<IssuedReportGraphType>("lastReport").Resolve(ctx => ctx.Source.LastReport);
        Field<NonNullGraphType<TerritorySituationGraphType>>("situation").Resolve(ctx => ctx.Source.Situation);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SituationChangeGraphType>>>>("changes")
            .Description("Level changes of the territory and its districts since, in order.").Resolve(ctx => ctx.Source.Changes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarningGraphType>>>>("activeWarnings").Resolve(ctx => ctx.Source.ActiveWarnings);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EarthquakeGraphType>>>>("earthquakes")
            .Description("Earthquakes within the widest rule's distance in the last day.").Resolve(ctx => ctx.Source.Earthquakes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FeedGraphType>>>>("silentFeeds")
            .Description("Feeds of the territory, its region and the whole country that fell silent: the picture may be stale there.").Resolve(ctx => ctx.Source.SilentFeeds);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RegimeSuggestionGraphType>>>>("pendingSuggestions").Resolve(ctx => ctx.Source.PendingSuggestions);
    }
}
