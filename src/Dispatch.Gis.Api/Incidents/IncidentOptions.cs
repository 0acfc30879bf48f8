namespace Dispatch.Gis.Incidents;

internal sealed class IncidentOptions
{
    public const string Section = "Dispatch:Incidents";

    /// <summary>Average road speed per unit profile for arrival estimates (straight line × RoadFactor).</summary>
    public Dictionary<string, double> SpeedKmh { get; set; } = new()
    {
        ["FIRE"] = 40, ["RESCUE"] = 40, ["HAZMAT"] = 35, ["POLICE"] = 45, ["MEDICAL"] = 45, ["UTILITY"] = 35, ["MEDICAL_AVIATION"] = 200,
    };

    /// <summary>Roads are longer than straight lines; aircraft fly straight (1.0 for MEDICAL_AVIATION).</summary>
    public double RoadFactor { get; set; } = 1.3;

    /// <summary>An incident whose zones stay within this distance of its point is an OBJECT-scale one.</summary>
    public double ObjectRadiusMeters { get; set; } = 500;

    /// <summary>Without a zone, arriving means coming this close to the incident's point.</summary>
    public double ArrivalRadiusMeters { get; set; } = 300;

    /// <summary>How far a reported arrival may differ from the track before it is flagged.</summary>
    public TimeSpan ArrivalTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reported times may lie this far in the future (clock drift), no further.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Arrival norms from receipt of the call, per profile, by urgency 1–4 (ambulance categories: 10/15/30/60 min).</summary>
    public Dictionary<string, int[]> ArrivalNormMinutes { get; set; } = new()
    {
        ["MEDICAL"] = [10, 15, 30, 60], ["FIRE"] = [10, 10, 20, 20], ["RESCUE"] = [15, 15, 30, 30], ["POLICE"] = [10, 15, 30, 60],
    };

    public double EtaMinutes(Units.UnitProfile profile, double meters)
    {
        var speed = SpeedKmh.TryGetValue(Storage.DbEnum.Text(profile), out var s) && s > 0 ? s : 40;
        var factor = profile == Units.UnitProfile.MedicalAviation ? 1.0 : RoadFactor;
        return meters * factor / 1000 / speed * 60;
    }
}
