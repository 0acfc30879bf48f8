namespace Dispatch.Gis.Situation;

internal enum SituationDomain
{
    Radiation,
    Chemical,
    Biological,
    Ecological,
    Fire,
    Other,
}

internal sealed record SituationUpdate(Guid Id, string TerritoryKato, Guid? ZoneId, int? ZoneVersion, Guid? IncidentId, SituationDomain Domain,
    string Text, string SentBy, DateTime SentAt) : Auth.ITerritorial;

internal sealed record SituationRecipient(Guid UpdateId, Guid ServiceId, string? AcknowledgedBy, DateTime? AcknowledgedAt);

internal static class SituationDomains
{
    /// <summary>The situation domain a zone's hazard is reported under (Rules §5.2 names radiation, chemical, biological, ecological and fire).</summary>
    public static SituationDomain Of(Zones.Hazard hazard) => hazard switch
    {
        Zones.Hazard.Radiation => SituationDomain.Radiation,
        Zones.Hazard.Chemical => SituationDomain.Chemical,
        Zones.Hazard.Biological => SituationDomain.Biological,
        Zones.Hazard.Ecological or Zones.Hazard.Flood => SituationDomain.Ecological,
        Zones.Hazard.Fire => SituationDomain.Fire,
        _ => SituationDomain.Other,
    };
}
