using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Http;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Tiles;

/// <summary>
/// <c>/tiles/{layer}/{z}/{x}/{y}.mvt</c> (Mapbox Vector Tiles), <c>/tiles/{layer}.json</c> (TileJSON 3.0.0) and
/// <c>/tiles</c> (the layer list). Tiles are scope-filtered like the GraphQL lists and revalidated by ETag.
/// </summary>
internal static class TileEndpoints
{
    public const string MvtType = "application/vnd.mapbox-vector-tile";

    public static IServiceCollection AddDispatchTiles(this IServiceCollection services)
    {
        services.AddOptions<TileOptions>().BindConfiguration(TileOptions.Section)
            .Validate(o => o.Extent is >= 256 and <= 65536 && o.Buffer >= 0 && o.Buffer <= o.Extent && o.MaxFeaturesPerTile > 0,
                "Dispatch:Tiles: Extent 256–65536, 0 ≤ Buffer ≤ Extent, MaxFeaturesPerTile > 0")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchTiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tiles", (HttpContext http) => Results.Json(new
        {
            layers = TileLayers.All.Select(l => new { id = l.Name, description = l.Description, tilejson = $"{Origin(http)}/tiles/{l.Name}.json" }),
        }));
        app.MapGet("/tiles/{layer}.json", TileJsonAsync);
        app.MapGet("/tiles/{layer}/{z}/{x}/{y}.mvt", TileAsync);
        return app;
    }

    private static async Task<IResult> TileAsync(string layer, string z, string x, string y, HttpContext http, ReadRouting reads,
        IOptions<AuthOptions> auth, IOptions<TileOptions> tiles, IOptions<UnitOptions> units)
    {
        if (TileLayers.Find(layer) is not { } tileLayer)
        {
            return HttpCaller.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"no tile layer '{layer}'; /tiles lists them");
        }

        if (!int.TryParse(z, NumberStyles.None, CultureInfo.InvariantCulture, out var zoom)
            || !int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var column)
            || !int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var row)
            || !TileSql.IsValid(zoom, column, row))
        {
            return HttpCaller.Problem(StatusCodes.Status400BadRequest, ErrorCodes.BadUserInput,
                $"no tile {z}/{x}/{y}: z must be 0–{TileSql.MaxZoom} and x, y 0 to 2^z − 1");
        }

        if (zoom < tileLayer.MinZoom)
        {
            return HttpCaller.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"layer {layer} has tiles from zoom {tileLayer.MinZoom}");
        }

        var (caller, refusal) = HttpCaller.Reader(http, auth.Value);
        if (refusal is not null)
        {
            return refusal;
        }

        // The fingerprint and the tile come from the same source, so an ETag always names the bytes it was sent with.
        var db = reads.For(caller!);
        var request = new TileRequest(tileLayer, zoom, column, row, caller!.Scope);
        var settings = Settings(tiles.Value, units.Value);
        var ct = http.RequestAborted;
        if (http.Request.Headers.IfNoneMatch.Count > 0
            && ConditionalGet.TryNotModified(http, await TileDb.ETagAsync(db, request, settings, ct)))
        {
            return Results.Empty;
        }

        var tile = await TileDb.ReadAsync(db, request, settings, ct);
        ConditionalGet.SetHeaders(http, tile.ETag);
        return Results.Bytes(tile.Data, MvtType);
    }

    private static async Task<IResult> TileJsonAsync(string layer, HttpContext http, NpgsqlDataSource db)
    {
        if (TileLayers.Find(layer) is not { } l)
        {
            return HttpCaller.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"no tile layer '{layer}'; /tiles lists them");
        }

        var bounds = await TileDb.BoundsAsync(db, http.RequestAborted);
        var fields = l.Attributes.ToDictionary(a => a.Name, a => $"{a.Type}: {a.Description}");
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["tilejson"] = "3.0.0",
            ["name"] = l.Name,
            ["description"] = l.Description,
            ["version"] = string.Create(CultureInfo.InvariantCulture, $"{TileSql.SchemaVersion}.{l.Version}.0"),
            ["attribution"] = "Dispatch.Gis; boundaries © geokz / OCHA COD-AB (CC BY 4.0), places © GeoNames (CC BY 4.0)",
            ["scheme"] = "xyz",
            ["tiles"] = new[] { $"{Origin(http)}/tiles/{l.Name}/{{z}}/{{x}}/{{y}}.mvt" },
            ["minzoom"] = l.MinZoom,
            ["maxzoom"] = l.MaxZoom,
            ["bounds"] = bounds,
            ["center"] = new[] { Math.Round((bounds[0] + bounds[2]) / 2, 4), Math.Round((bounds[1] + bounds[3]) / 2, 4), Math.Max(l.MinZoom, 4) },
            ["vector_layers"] = new[]
            {
                new { id = l.Name, description = l.Description, minzoom = l.MinZoom, maxzoom = l.MaxZoom, fields },
            },
        });
        if (ConditionalGet.TryNotModified(http, ConditionalGet.WeakTag(body)))
        {
            return Results.Empty;
        }

        return Results.Bytes(body, "application/json");
    }

    internal static TileSettings Settings(TileOptions tiles, UnitOptions units) => new(tiles.Extent, tiles.Buffer, tiles.MaxFeaturesPerTile, units.StaleAfter);

    /// <summary>The address the client used, so TileJSON tile URLs work behind the same host name.</summary>
    internal static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
