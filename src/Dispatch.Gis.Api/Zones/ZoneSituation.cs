using Dispatch.Gis.Incidents;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Zones;

internal static class ZoneSituation
{
    /// <summary>
    /// Every change of an emergency zone goes to the partners of the matching profile as a situation update
    /// (Rules §5.2), in the same unit of work as the change — whether an officer drew it or a forecast computed it.
    /// </summary>
    public static async Task OfferAsync(UnitOfWork w, ClassificationRules rules, Guid zone, int version, string name, Hazard hazard, string? territory,
        Guid? incident, string what, CancellationToken ct)
    {
        if (territory is null)
        {
            return;
        }

        var domain = SituationDomains.Of(hazard);
        await SituationDb.SendAsync(w, territory, zone, version, incident, domain, $"Zone \"{name}\" version {version}: {what}.", rules.Recipients(domain), ct);
    }
}
