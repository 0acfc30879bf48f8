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
/// A part of a warning's area that touches no other part: one CAP message of each step. Its polygons ("lat,lon"
/// rings, bounded) and the KATO codes it covers.
/// </summary>
internal sealed record WarningAreaPart(NetTopologySuite.Geometries.Geometry Shape, IReadOnlyList<string> Polygons, IReadOnlyList<string> Geocodes);

/// <summary>
/// Where a step of a warning warns: the shape it came from, split into parts that do not touch (aggregators want those
/// in separate alerts), and per language the area's name when the officer gave none.
/// </summary>
internal sealed record WarningArea(WarningAreaSource Source, Guid? ZoneId, int? ZoneVersion, string? TerritoryKato, NetTopologySuite.Geometries.Geometry Shape,
    IReadOnlyList<WarningAreaPart> Parts, IReadOnlyDictionary<WarningLanguage, string> Names)
{
    /// <summary>Every part's KATO codes, once each.</summary>
    public IReadOnlyList<string> Geocodes => Parts.SelectMany(p => p.Geocodes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// A warning: the chain of its steps, Alert → Update… → Cancel, oldest first. A step is one CAP message per part of its
/// area (<see cref="WarningMessage.Part"/> of <see cref="WarningMessage.Parts"/>); most areas are one part.
/// </summary>
internal sealed record PublicWarning(Guid Id, PublicWarningState State, WarningAreaSource AreaSource, Guid? ZoneId, string? TerritoryKato, string CreatedBy,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<WarningMessage> Messages) : Auth.ITerritorial
{
    /// <summary>The latest public step, one message per part: what aggregators hold now; empty while the warning is only a draft nobody has sent.</summary>
    public IReadOnlyList<WarningMessage> CurrentMessages => LatestStep(WarningMessageStatus.Actual);

    /// <summary>The first part of the latest public step; null while the warning is only a draft nobody has sent.</summary>
    public WarningMessage? Current => CurrentMessages is [var first, ..] ? first : null;

    public IReadOnlyList<WarningMessage> PendingDraftMessages => LatestStep(WarningMessageStatus.Draft);

    public WarningMessage? PendingDraft => PendingDraftMessages is [var first, ..] ? first : null;

    private List<WarningMessage> LatestStep(WarningMessageStatus status) =>
        Messages.LastOrDefault(m => m.Status == status) is { } last
            ? Messages.Where(m => m.Seq == last.Seq && m.Status == status).OrderBy(m => m.Part).ToList()
            : [];
}

internal sealed record WarningMessage(string Identifier, Guid WarningId, int Seq, int Part, int Parts, string Sender, DateTime Sent, CapMsgType MsgType,
    WarningMessageStatus Status, IReadOnlyList<string> References, string? Note, WarningContent Content, IReadOnlyList<string> Polygons,
    IReadOnlyList<string> Geocodes, int? ZoneVersion, string CapXml, string CreatedBy, string? ConfirmedBy)
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
