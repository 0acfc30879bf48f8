using System.Globalization;
using Dispatch.Gis.PublicWarnings;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Zones;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// The public warning a forecast prepares for the officer (Rules §6.4: 112 warns the population, an officer decides).
/// The first computation of a forecast of an incident drafts a CAP Alert over the widest horizon's zone, status Draft,
/// at most one per incident; nothing is served or listed until an officer confirms it. Later computations redraw the
/// zones, and any warning that follows one of them has its draft redone, exactly as a redraw through the zone
/// mutations does (an Update for a sent warning, a new draft Alert for one still unsent).
/// </summary>
internal sealed class ForecastWarningDraft(IOptions<PublicWarningOptions> options, TimeProvider clock)
{
    // The forecast's horizons with their zones, in one round trip (this runs while the computation holds the geofence
    // gate, which position batches wait on). The last column says whether any current warning follows the zone: most
    // forecast zones have none, and the redraw path is only entered for those that do.
    private const string ZonesOfHorizons = """
        SELECT z.id, z.version, z.name, z.territory_kato, z.geom, z.hazard,
               EXISTS (SELECT 1 FROM public_warnings w WHERE w.zone_id = z.id AND w.state = 'ACTIVE'), h.minutes
        FROM forecast_horizons h JOIN emergency_zones z ON z.id = h.zone_id WHERE h.forecast_id = $1 ORDER BY z.id
        """;

    // Shortest span an unsent draft is valid for: an officer needs time to read it before it goes out.
    private static readonly TimeSpan MinimumValidity = TimeSpan.FromHours(1);

    /// <summary>Called once, at the end of the unit of work that wrote the computation's zones (which holds their locks).</summary>
    public async Task AfterComputationAsync(UnitOfWork w, Forecast forecast, int version, CancellationToken ct)
    {
        if (version == 1 && forecast.IncidentId is null)
        {
            return;
        }

        var zones = await Db.ReadAllAsync(w, ZonesOfHorizons, r => (Id: r.GetGuid(0), Version: r.GetInt32(1), Name: r.GetString(2), Territory: r.TextOrNull(3),
            Shape: r.GetFieldValue<Geometry>(4), Hazard: DbEnum.Parse<Hazard>(r.GetString(5)), Followed: r.GetBoolean(6), Minutes: r.GetInt32(7)), ct,
            new NpgsqlParameter { Value = forecast.Id });
        if (zones.Count == 0)
        {
            return;
        }

        var now = CapText.Seconds(clock.GetUtcNow().UtcDateTime);
        if (version > 1)
        {
            foreach (var zone in zones.Where(z => z.Followed))
            {
                await PublicWarningDb.DraftForZoneAsync(w, zone.Id, zone.Version, zone.Name, zone.Territory, zone.Shape, options.Value, now, ct);
            }

            return;
        }

        if (forecast.IncidentId is not { } incident)
        {
            return;
        }

        var widest = zones.MaxBy(z => z.Minutes);
        await PublicWarningDb.DraftAlertForIncidentAsync(w, incident, widest.Id, Content(widest.Hazard, widest.Minutes, now), options.Value, now, ct);
    }

    /// <summary>
    /// A forecast's zone was closed (the forecast cancelled): warnings that follow it get a Cancel drafted, as a closing
    /// through the zone mutations does, and one never sent is dropped. Called under the zone's lock.
    /// </summary>
    public Task ZoneClosedAsync(UnitOfWork w, Guid zone, int version, CancellationToken ct) =>
        PublicWarningDb.DraftCancelForZoneAsync(w, zone, version, options.Value, CapText.Seconds(clock.GetUtcNow().UtcDateTime), ct);

    /// <summary>What the draft says: CAP's vocabularies from the hazard, and the officer's usual words in the three languages.</summary>
    internal static WarningContent Content(Hazard hazard, int minutes, DateTime now)
    {
        var words = Words.For(hazard);
        var validity = TimeSpan.FromMinutes(minutes) > MinimumValidity ? TimeSpan.FromMinutes(minutes) : MinimumValidity;
        var m = minutes.ToString(CultureInfo.InvariantCulture);
        return new WarningContent(words.Event, words.Category, CapUrgency.Immediate, CapSeverity.Severe, CapCertainty.Likely, words.Response, now, now + validity,
        [
            new WarningText(WarningLanguage.Kk, words.HeadlineKk, $"Болжам бойынша қауіпті аймақ осы аумаққа {m} минут ішінде жетуі мүмкін.", words.InstructionKk, null),
            new WarningText(WarningLanguage.Ru, words.HeadlineRu, $"По прогнозу зона опасности может достигнуть этого района в течение {m} мин.", words.InstructionRu, null),
            new WarningText(WarningLanguage.En, words.HeadlineEn, $"According to the forecast, the hazard zone may reach this area within {m} minutes.", words.InstructionEn, null),
        ]);
    }

    private sealed record Words(string Event, CapCategory Category, CapResponseType Response, string HeadlineKk, string HeadlineRu, string HeadlineEn,
        string InstructionKk, string InstructionRu, string InstructionEn)
    {
        private static readonly Words Shelter = new("Chemical release", CapCategory.Cbrne, CapResponseType.Shelter,
            "Химиялық қауіп: үй-жайда қалыңыз", "Химическая опасность: оставайтесь в помещении", "Chemical hazard: stay indoors",
            "Терезелер мен есіктерді жабыңыз, желдеткішті өшіріңіз, төтенше қызметтердің нұсқауларын орындаңыз.",
            "Закройте окна и двери, отключите вентиляцию, следуйте указаниям экстренных служб.",
            "Close windows and doors, switch off ventilation, follow the instructions of the emergency services.");

        private static readonly Words Flood = new("Flood", CapCategory.Met, CapResponseType.Evacuate,
            "Су тасқыны қаупі: биік жерге көшіңіз", "Угроза затопления: перейдите на возвышенность", "Flood threat: move to higher ground",
            "Құжаттарды алып, биік жерге барыңыз, төтенше қызметтердің нұсқауларын орындаңыз.",
            "Возьмите документы, перейдите на возвышенность, следуйте указаниям экстренных служб.",
            "Take your documents, move to higher ground, follow the instructions of the emergency services.");

        private static readonly Words Other = new("Emergency", CapCategory.Safety, CapResponseType.Prepare,
            "Төтенше жағдай қаупі", "Угроза чрезвычайной ситуации", "Emergency threat",
            "Төтенше қызметтердің нұсқауларын орындаңыз.", "Следуйте указаниям экстренных служб.", "Follow the instructions of the emergency services.");

        public static Words For(Hazard hazard) => hazard switch
        {
            Hazard.Chemical => Shelter,
            Hazard.Radiation => Shelter with { Event = "Radiation release", HeadlineKk = "Радиациялық қауіп: үй-жайда қалыңыз",
                HeadlineRu = "Радиационная опасность: оставайтесь в помещении", HeadlineEn = "Radiation hazard: stay indoors" },
            Hazard.Flood => Flood,
            _ => Other,
        };
    }
}
