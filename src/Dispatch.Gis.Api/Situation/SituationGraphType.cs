using Dispatch.Gis.Regimes;
using Dispatch.Gis.Services;
using GraphQL.Types;

namespace Dispatch.Gis.Situation;

internal sealed class SituationDomainGraphType : EnumerationGraphType<SituationDomain>
{
    public SituationDomainGraphType() => Name = "SituationDomain";
}

internal sealed class ReadinessStateGraphType : ObjectGraphType<ReadinessState>
{
    public ReadinessStateGraphType()
    {
        Name = "ReadinessState";
        Field<NonNullGraphType<RegimeGraphType>>("effectiveRegime").Resolve(ctx => ctx.Source.Effective);
        Field<DateTimeGraphType>("since").Description("When the regime that asks for readiness came in force.").Resolve(ctx => ctx.Source.Since);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DutyServiceGraphType>>>>("partnersWithoutReadiness")
            .Description("In HIGH_READINESS or EMERGENCY: police, ambulance and medical aviation services that have not reported their units' readiness since.")
            .Resolve(ctx => ctx.Source.PartnersWithoutReadiness);
    }
}

internal sealed class SituationRecipientGraphType : ObjectGraphType<SituationRecipient>
{
    public SituationRecipientGraphType(ServiceLoaders services)
    {
        Name = "SituationRecipient";
        Field<DutyServiceGraphType>("service").Description("The duty-dispatch service; null when its territory is outside your scope.").Resolve(ctx => services.ServiceById(ctx, ctx.Source.ServiceId));
        Field(x => x.AcknowledgedBy, nullable: true);
        Field<DateTimeGraphType>("acknowledgedAt").Resolve(ctx => ctx.Source.AcknowledgedAt);
    }
}

internal sealed class SituationUpdateGraphType : ObjectGraphType<SituationUpdate>
{
    public SituationUpdateGraphType(SituationLoaders loaders)
    {
        Name = "SituationUpdate";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.TerritoryKato);
        Field<IdGraphType>("zoneId").Resolve(ctx => ctx.Source.ZoneId);
        Field(x => x.ZoneVersion, nullable: true);
        Field<IdGraphType>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<NonNullGraphType<SituationDomainGraphType>>("domain").Resolve(ctx => ctx.Source.Domain);
        Field(x => x.Text);
        Field(x => x.SentBy);
        Field<NonNullGraphType<DateTimeGraphType>>("sentAt").Resolve(ctx => ctx.Source.SentAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SituationRecipientGraphType>>>>("recipients").Resolve(ctx => loaders.RecipientsByUpdateId(ctx, ctx.Source.Id));
    }
}
