using System.Text.Json;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Monitoring;

/// <summary>
/// At start-up: brings the stations' file levels (thresholds.json postLevels) up to the file's version; with
/// Dispatch:LoadDemoData, also the synthetic demo stations and feeds (data/monitoring/demo), the feeds pointing at the
/// feed simulator. Through the same commands as upsertStation and upsertFeed, so an unchanged file changes nothing.
/// </summary>
internal sealed class MonitoringDemoLoader(NpgsqlDataSource db, MonitoringRules rules, IOptions<MonitoringOptions> options, ILogger<MonitoringDemoLoader> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "data", "monitoring", "demo");

    private sealed record ObjectRow(string ExternalRef, string Name, string HazardClass, string ObjectKind, string? Operator, double Lon, double Lat);

    private sealed record ThresholdRow(string Parameter, string Level, double Value, string? Label, DateOnly ValidFrom, string? Citation, bool Verified);

    private sealed record StationRow(string Code, string Name, string Operator, string Kind, double Lon, double Lat, string[] Parameters, string? WaterBody,
        string? DangerousObject, ThresholdRow[]? Thresholds);

    private sealed record StationsFile(ObjectRow[] Objects, StationRow[] Stations);

    private sealed record FeedRow(string Code, string Name, string Format, string? Path, int? IntervalSeconds, int SilenceSeconds, string? Territory, FeedMapping? Mapping);

    private sealed record FeedsFile(FeedRow[] Feeds);

    public async Task SyncPostLevelsAsync(CancellationToken ct)
    {
        var changed = await UnitOfWork.RunAsync(db, new WriteOrigin("thresholds.json"), w => StationDb.SyncPostLevelsAsync(w, rules, null, ct), ct);
        if (changed > 0)
        {
            logger.LogInformation("Station levels from thresholds.json {Version}: {Changed} row(s) written or removed", rules.Version, changed);
        }
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        StationsFile stations;
        FeedsFile feeds;
        await using (var stream = File.OpenRead(Path.Combine(Directory, "stations.json")))
        {
            stations = await JsonSerializer.DeserializeAsync<StationsFile>(stream, Json, ct) ?? throw new InvalidDataException("stations.json is empty");
        }

        await using (var stream = File.OpenRead(Path.Combine(Directory, "feeds.json")))
        {
            feeds = await JsonSerializer.DeserializeAsync<FeedsFile>(stream, Json, ct) ?? throw new InvalidDataException("feeds.json is empty");
        }

        var origin = new WriteOrigin(DemoData.DemoDataLoader.CreatedBy);
        var objects = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var o in stations.Objects)
        {
            await using var cmd = db.CreateCommand("""
                INSERT INTO dangerous_objects (external_ref, name, hazard_class, object_kind, operator, geom, territory_kato, source)
                VALUES ($1, $2, $3, $4, $5, $6, (SELECT kato FROM territories WHERE level = 'DISTRICT' AND ST_Covers(geom, $6) ORDER BY kato LIMIT 1),
                        'Dispatch.Gis demo data set (synthetic, data/monitoring/demo)')
                ON CONFLICT (external_ref) DO UPDATE SET name = EXCLUDED.name
                RETURNING id
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.ExternalRef });
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.Name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.HazardClass });
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.ObjectKind });
            cmd.Parameters.Add(Db.Nullable(o.Operator));
            cmd.Parameters.Add(new NpgsqlParameter { Value = GeoJson.Factory.CreatePoint(new Coordinate(o.Lon, o.Lat)) });
            objects[o.ExternalRef] = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        }

        foreach (var s in stations.Stations)
        {
            var point = GeoJson.Factory.CreatePoint(new Coordinate(s.Lon, s.Lat));
            var change = new StationChange(s.Code, s.Name, s.Operator, DbEnum.Parse<StationKind>(s.Kind), point, s.Parameters,
                s.DangerousObject is { } reference ? objects[reference] : null, s.WaterBody,
                s.Thresholds?.Select(t => new StationThreshold(Guid.Empty, t.Parameter, DbEnum.Parse<SituationLevel>(t.Level), t.ValidFrom, t.Value, t.Label, t.Citation,
                    t.Verified, "api")).ToList());
            var territory = await StationDb.TerritoryOfAsync(db, point, ct);
            await UnitOfWork.RunAsync(db, origin, w => StationDb.UpsertAsync(w, change, territory, rules, ct), ct);
        }

        var baseUrl = options.Value.SimulatorUrl.TrimEnd('/');
        foreach (var f in feeds.Feeds)
        {
            var format = DbEnum.Parse<FeedFormat>(f.Format);
            var change = new FeedChange(f.Code, f.Name, format, f.Path is null ? null : $"{baseUrl}/feeds/{f.Path}", f.IntervalSeconds, 10, GeoJson.Wgs84,
                f.Mapping ?? FeedMapping.Empty, f.SilenceSeconds, 3, 5, f.Territory, true);
            await UnitOfWork.RunAsync(db, origin, w => FeedDb.UpsertAsync(w, change, ct), ct);
        }

        logger.LogInformation("Monitoring demo: {Stations} station(s) and {Feeds} feed(s) from data/monitoring/demo, fed by the simulator at {Simulator}",
            stations.Stations.Length, feeds.Feeds.Length, baseUrl);
    }
}
