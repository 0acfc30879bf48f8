using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Services;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Incidents;

/// <summary>The 112 card (Rules §5.3): received, classified by the national classification, moved through its statuses.</summary>
internal sealed class IncidentMutations(NpgsqlDataSource db, IncidentLoaders loaders, SpatialArguments spatial, ClassificationRules rules,
    IOptions<IncidentOptions> options)
{
    public const int MaxDescriptionLength = TextLimits.LongText;
    public const int MaxShortTextLength = TextLimits.ShortText;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<IncidentGraphType>>("reportIncident")
            .Description("A new 112 card. A partner's report reaches 112 the same way (channel PARTNER_REPORT).")
            .Argument<NonNullGraphType<ReportIncidentInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(ReportIncidentAsync);

        root.Field<NonNullGraphType<IncidentGraphType>>("classifyIncident")
            .Description("Classifies by origin, type and scale; records the service's own suggestion (from where the incident's zones reach) and the rule version.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<OriginGraphType>>("origin")
            .Argument<NonNullGraphType<StringGraphType>>("type")
            .Argument<NonNullGraphType<ScaleGraphType>>("scale")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(ClassifyIncidentAsync);

        root.Field<NonNullGraphType<IncidentGraphType>>("setIncidentStatus")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<IncidentStatusGraphType>>("status")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(SetIncidentStatusAsync);
    }

    private async Task<object?> ReportIncidentAsync(IResolveFieldContext ctx)
    {
        var caller = ctx.Caller();
        var raw = ctx.GetArgument<ReportIncidentInput>("input");
        var location = await spatial.PointAsync(raw.Location, raw.Crs ?? GeoJson.Wgs84, "input.location", ctx.CancellationToken);
        var input = Read(raw, location);
        if (caller.Role == Role.PartnerOfficer)
        {
            input = input with { Channel = IncidentChannel.PartnerReport, ReportedByService = await OwnService.IdAsync(db, caller, ctx.CancellationToken) };
        }

        var territory = await Territories.TerritoryDb.DistrictOfAsync(db, location, ctx.CancellationToken);
        ctx.AuditTerritory(territory);
        caller.RequireTerritory(territory, "input.location");
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => IncidentDb.CreateAsync(w, input, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.IncidentById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> ClassifyIncidentAsync(IResolveFieldContext ctx)
    {
        var incident = await loaders.RequireAsync(ctx);
        var type = ctx.GetArgument<string>("type");
        if (rules.Type(type) is null)
        {
            throw new BadUserInputException($"type must be one of the rule table's: {string.Join(", ", rules.Types.Keys)}", "type");
        }

        var classification = new Classification(ctx.GetArgument<Origin>("origin"), type, ctx.GetArgument<Scale>("scale"));
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => IncidentDb.ClassifyAsync(w, incident, classification, rules, options.Value.ObjectRadiusMeters, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.IncidentById(ctx, incident.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> SetIncidentStatusAsync(IResolveFieldContext ctx)
    {
        var incident = await loaders.RequireAsync(ctx);
        var to = ctx.GetArgument<IncidentStatus>("status");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => IncidentDb.SetStatusAsync(w, incident, to, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.IncidentById(ctx, incident.Id).GetResultAsync(ctx.CancellationToken);
    }

    private IncidentInput Read(ReportIncidentInput raw, NetTopologySuite.Geometries.Point location)
    {
        var now = DateTime.UtcNow;
        var received = raw.ReceivedAt is { } t ? Times.Utc(t) : now;
        if (received > now + options.Value.ClockSkew || received < now.AddDays(-7))
        {
            throw new BadUserInputException("receivedAt must lie within the last 7 days and not in the future", "input.receivedAt");
        }

        var description = TextInput.Required(raw.Description, "input.description", MaxDescriptionLength, multiline: true);
        var type = TextInput.Optional(raw.PreliminaryType, "input.preliminaryType", MaxShortTextLength);
        if (type is not null && rules.Type(type) is null)
        {
            throw new BadUserInputException($"preliminaryType must be one of: {string.Join(", ", rules.Types.Keys)}", "input.preliminaryType");
        }

        if (raw.Urgency is < 1 or > 4)
        {
            throw new BadUserInputException("urgency is 1 to 4", "input.urgency");
        }

        return new IncidentInput(received, raw.Channel, TextInput.Optional(raw.CallerName, "input.callerName", MaxShortTextLength),
            TextInput.Optional(raw.CallerPhone, "input.callerPhone", TextLimits.Code), null, location, TextInput.Optional(raw.Address, "input.address", MaxShortTextLength),
            description, type, raw.Urgency);
    }
}
