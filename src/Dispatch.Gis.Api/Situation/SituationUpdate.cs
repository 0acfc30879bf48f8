namespace Dispatch.Gis.Situation;

internal enum SituationDomain
{
    Radiation,
    Chemical,
    Biological,
    Ecological,
    Fire,
    Hydrological,
    Seismic,
    Meteorological,
    Other,
}

internal sealed record SituationUpdate(Guid Id, string TerritoryKato, Guid? ZoneId, int? ZoneVersion, Guid? IncidentId, SituationDomain Domain,
    string Text, string SentBy, DateTime SentAt) : Auth.ITerritorial;

internal sealed record SituationRecipient(Guid UpdateId, Guid ServiceId, string? AcknowledgedBy, DateTime? AcknowledgedAt);

internal static class SituationDomains
{
    /// <summary>The situation domain a zone's hazard is reported under (Rules §5.2 names radiation, chemical, biological, ecological and fire, "and other"; the monitoring domains are the others).</summary>
    public static SituationDomain Of(Zones.Hazard hazard) => hazard switch
    {
        Zones.Hazard.Radiation => SituationDomain.Radiation,
        Zones.Hazard.Chemical => SituationDomain.Chemical,
        Zones.Hazard.Biological => SituationDomain.Biological,
        Zones.Hazard.Ecological => SituationDomain.Ecological,
        Zones.Hazard.Fire => SituationDomain.Fire,
        Zones.Hazard.Flood => SituationDomain.Hydrological,
        Zones.Hazard.Seismic => SituationDomain.Seismic,
        Zones.Hazard.Meteorological => SituationDomain.Meteorological,
        _ => SituationDomain.Other,
    };
}
