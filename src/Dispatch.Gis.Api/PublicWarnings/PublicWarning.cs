using System.Globalization;

namespace Dispatch.Gis.PublicWarnings;

// The CAP 1.2 vocabularies (OASIS CAP 1.2 §3.2.1–3.2.2), shown in GraphQL as CONSTANT_CASE; CapText gives CAP's spelling.
internal enum CapCategory { Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, Cbrne, Other }

internal enum CapUrgency { Immediate, Expected, Future, Past, Unknown }

internal enum CapSeverity { Extreme, Severe, Moderate, Minor, Unknown }

internal enum CapCertainty { Observed, Likely, Possible, Unlikely, Unknown }

internal enum CapResponseType { Shelter, Evacuate, Prepare, Execute, Avoid, Monitor, Assess, AllClear, None }

internal enum CapMsgType { Alert, Update, Cancel }

/// <summary>ACTUAL messages are public; a DRAFT waits for an officer; a DISCARDED draft was overtaken before anyone confirmed it.</summary>
internal enum WarningMessageStatus { Actual, Draft, Discarded }

internal enum PublicWarningState { Active, Cancelled }

internal enum WarningAreaSource { Zone, Territory, Polygon }

internal enum WarningLanguage { Kk, Ru, En }

/// <summary>One language's text of a warning: one CAP &lt;info&gt;.</summary>
internal sealed record WarningText(WarningLanguage Language, string Headline, string? Description, string? Instruction, string? AreaDesc);

/// <summary>What a message says, apart from its area.</summary>
internal sealed record WarningContent(string Event, CapCategory Category, CapUrgency Urgency, CapSeverity Severity, CapCertainty Certainty,
    CapResponseType? ResponseType, DateTime Effective, DateTime Expires, IReadOnlyList<WarningText> Texts);

/// <summary>
/// Where a message warns: the shape it came from, its CAP polygons ("lat,lon" rings, bounded), the KATO codes it
/// covers, and per language the area's name when the officer gave none.
/// </summary>
internal sealed record WarningArea(WarningAreaSource Source, Guid? ZoneId, int? ZoneVersion, string? TerritoryKato, NetTopologySuite.Geometries.Geometry Shape,
    IReadOnlyList<string> Polygons, IReadOnlyList<string> Geocodes, IReadOnlyDictionary<WarningLanguage, string> Names);

/// <summary>A warning: the chain of its CAP messages, Alert → Update… → Cancel, oldest first.</summary>
internal sealed record PublicWarning(Guid Id, PublicWarningState State, WarningAreaSource AreaSource, Guid? ZoneId, string? TerritoryKato, string CreatedBy,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<WarningMessage> Messages) : Auth.ITerritorial
{
    /// <summary>The latest public message: what aggregators hold now; null while the warning is only a draft nobody has sent.</summary>
    public WarningMessage? Current => Messages.LastOrDefault(m => m.Status == WarningMessageStatus.Actual);

    public WarningMessage? PendingDraft => Messages.LastOrDefault(m => m.Status == WarningMessageStatus.Draft);
}

internal sealed record WarningMessage(string Identifier, Guid WarningId, int Seq, string Sender, DateTime Sent, CapMsgType MsgType, WarningMessageStatus Status,
    IReadOnlyList<string> References, string? Note, WarningContent Content, IReadOnlyList<string> Polygons, IReadOnlyList<string> Geocodes, int? ZoneVersion,
    string CapXml, string CreatedBy, string? ConfirmedBy)
{
    /// <summary>This message as CAP names it in a later one's references.</summary>
    public string Reference(TimeSpan offset) => $"{Sender},{Identifier},{CapText.Time(Sent, offset)}";
}

/// <summary>CAP's own spellings of the vocabularies and its dateTime form.</summary>
internal static class CapText
{
    public static string Of(CapCategory category) => category == CapCategory.Cbrne ? "CBRNE" : category.ToString();

    /// <summary>Urgency, severity, certainty, response type, msgType: the C# names are CAP's (AllClear included).</summary>
    public static string Of(Enum value) => value.ToString();

    public static string Status(WarningMessageStatus status) => status == WarningMessageStatus.Actual ? "Actual" : "Draft";

    public static string Language(WarningLanguage language) => language switch
    {
        WarningLanguage.Kk => "kk-KZ",
        WarningLanguage.Ru => "ru-RU",
        _ => "en-US",
    };

    /// <summary>
    /// CAP 1.2 dateTime: "2026-12-02T12:00:00+05:00" — an explicit offset, never "Z", no fractional seconds (the XSD's
    /// pattern refuses both).
    /// </summary>
    public static string Time(DateTime utc, TimeSpan offset) =>
        new DateTimeOffset(Seconds(utc), TimeSpan.Zero).ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static DateTime Seconds(DateTime utc)
    {
        var u = GraphQL.Times.Utc(utc);
        return new DateTime(u.Ticks - (u.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
