using Dispatch.Gis.GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.PublicWarnings;

internal sealed class CapCategoryGraphType : EnumerationGraphType<CapCategory>
{
    public CapCategoryGraphType() => Name = "CapCategory";
}

internal sealed class CapUrgencyGraphType : EnumerationGraphType<CapUrgency>
{
    public CapUrgencyGraphType() => Name = "CapUrgency";
}

internal sealed class CapSeverityGraphType : EnumerationGraphType<CapSeverity>
{
    public CapSeverityGraphType() => Name = "CapSeverity";
}

internal sealed class CapCertaintyGraphType : EnumerationGraphType<CapCertainty>
{
    public CapCertaintyGraphType() => Name = "CapCertainty";
}

internal sealed class CapResponseTypeGraphType : EnumerationGraphType<CapResponseType>
{
    public CapResponseTypeGraphType() => Name = "CapResponseType";
}

internal sealed class CapMsgTypeGraphType : EnumerationGraphType<CapMsgType>
{
    public CapMsgTypeGraphType() => Name = "CapMsgType";
}

internal sealed class WarningMessageStatusGraphType : EnumerationGraphType<WarningMessageStatus>
{
    public WarningMessageStatusGraphType() => Name = "PublicWarningMessageStatus";
}

internal sealed class PublicWarningStateGraphType : EnumerationGraphType<PublicWarningState>
{
    public PublicWarningStateGraphType() => Name = "PublicWarningState";
}

internal sealed class WarningAreaSourceGraphType : EnumerationGraphType<WarningAreaSource>
{
    public WarningAreaSourceGraphType() => Name = "PublicWarningAreaSource";
}

internal sealed class WarningLanguageGraphType : EnumerationGraphType<WarningLanguage>
{
    public WarningLanguageGraphType() => Name = "PublicWarningLanguage";
}

internal sealed class WarningTextGraphType : ObjectGraphType<WarningText>
{
    public WarningTextGraphType()
    {
        Name = "PublicWarningText";
        Field<NonNullGraphType<WarningLanguageGraphType>>("language").Resolve(ctx => ctx.Source.Language);
        Field(x => x.Headline);
        Field(x => x.Description, nullable: true);
        Field(x => x.Instruction, nullable: true);
        Field(x => x.AreaDesc, nullable: true);
    }
}

internal sealed class WarningMessageGraphType : ObjectGraphType<WarningMessage>
{
    public WarningMessageGraphType()
    {
        Name = "PublicWarningMessage";
        Description = "One CAP 1.2 message of a warning's chain.";
        Field(x => x.Identifier).Description("CAP identifier, unique in time and space.");
        Field(x => x.Sender);
        Field<NonNullGraphType<DateTimeGraphType>>("sent").Resolve(ctx => ctx.Source.Sent);
        Field<NonNullGraphType<CapMsgTypeGraphType>>("msgType").Resolve(ctx => ctx.Source.MsgType);
        Field(x => x.Part).Description("Which part of its step's area this message covers (0-based): parts that do not touch go out as separate alerts.");
        Field(x => x.Parts).Description("How many messages its step went out as: one per part of the area that touches no other.");
        Field<NonNullGraphType<WarningMessageStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("references")
            .Description("\"sender,identifier,sent\" of every public message before it.").Resolve(ctx => ctx.Source.References);
        Field(x => x.Note, nullable: true);
        Field<NonNullGraphType<StringGraphType>>("event").Resolve(ctx => ctx.Source.Content.Event);
        Field<NonNullGraphType<CapCategoryGraphType>>("category").Resolve(ctx => ctx.Source.Content.Category);
        Field<NonNullGraphType<CapUrgencyGraphType>>("urgency").Resolve(ctx => ctx.Source.Content.Urgency);
        Field<NonNullGraphType<CapSeverityGraphType>>("severity").Resolve(ctx => ctx.Source.Content.Severity);
        Field<NonNullGraphType<CapCertaintyGraphType>>("certainty").Resolve(ctx => ctx.Source.Content.Certainty);
        Field<CapResponseTypeGraphType>("responseType").Resolve(ctx => ctx.Source.Content.ResponseType);
        Field<NonNullGraphType<DateTimeGraphType>>("effective").Resolve(ctx => ctx.Source.Content.Effective);
        Field<NonNullGraphType<DateTimeGraphType>>("expires").Resolve(ctx => ctx.Source.Content.Expires);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarningTextGraphType>>>>("texts").Resolve(ctx => ctx.Source.Content.Texts);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("polygons")
            .Description("The area as CAP polygons: closed rings of \"lat,lon\" pairs, simplified to a bounded number of points.").Resolve(ctx => ctx.Source.Polygons);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("geocodes").Description("KATO codes of the area.").Resolve(ctx => ctx.Source.Geocodes);
        Field(x => x.ZoneVersion, nullable: true).Description("The version of the zone the area was taken from.");
        Field<StringGraphType>("capPath").Description("Where the message is served (public messages only).")
            .Resolve(ctx => ctx.Source.Status == WarningMessageStatus.Actual ? CapWriter.CapPath(ctx.Source.Identifier) : null);
        Field(x => x.CapXml).Description("The CAP 1.2 document; for a draft, what would go out once confirmed (with status Draft).");
        Field(x => x.CreatedBy);
        Field(x => x.ConfirmedBy, nullable: true);
    }
}

internal sealed class PublicWarningGraphType : ObjectGraphType<PublicWarning>
{
    public PublicWarningGraphType()
    {
        Name = "PublicWarning";
        Description = "A public warning (Rules §6.4): a chain of CAP 1.2 steps, Alert → Update… → Cancel; each step one message per part of its area that touches no other.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<PublicWarningStateGraphType>>("state").Resolve(ctx => ctx.Source.State);
        Field<NonNullGraphType<WarningAreaSourceGraphType>>("areaSource").Resolve(ctx => ctx.Source.AreaSource);
        Field<IdGraphType>("zoneId").Description("The zone it follows.").Resolve(ctx => ctx.Source.ZoneId);
        Field(x => x.TerritoryKato, nullable: true);
        Field(x => x.CreatedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
        Field<WarningMessageGraphType>("current")
            .Description("The latest public message (its first part, when the area went out as separate alerts: see currentMessages); null while the warning is a draft nobody has sent (drafted from a forecast).")
            .Resolve(ctx => ctx.Source.Current);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarningMessageGraphType>>>>("currentMessages")
            .Description("The latest public step, one message per part of the area that touches no other (aggregators want those as separate alerts); empty while nothing was sent.")
            .Resolve(ctx => ctx.Source.CurrentMessages);
        Field<WarningMessageGraphType>("pendingDraft")
            .Description("A message waiting for an officer (the first part of the drafted step): an Alert drafted from an incident's first forecast, an Update drafted from a zone redraw, a Cancel from its closing.")
            .Resolve(ctx => ctx.Source.PendingDraft);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarningMessageGraphType>>>>("pendingDraftMessages")
            .Description("Every part of the drafted step; confirmPublicWarningDraft sends them all at once.")
            .Resolve(ctx => ctx.Source.PendingDraftMessages);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarningMessageGraphType>>>>("messages").Description("Every message, oldest first, drafts included.")
            .Resolve(ctx => ctx.Source.Messages);
    }
}

internal sealed class PublicWarningConnectionGraphType() : ConnectionGraphType<PublicWarning, PublicWarningGraphType>("PublicWarning");
