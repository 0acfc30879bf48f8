using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Http;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Tiles;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Ogc;

/// <summary>
/// OGC API – Features – Part 1: Core, GeoJSON encoding, at <c>/ogc</c> (OGC 17-069r4). Metadata is public; items
/// are read under the same rules as the GraphQL lists (token scope, anonymous only when allowed).
/// </summary>
internal static class OgcEndpoints
{
    public const string GeoJsonType = "application/geo+json";
    private const string JsonType = "application/json";
    private const string OpenApiType = "application/vnd.oai.openapi+json;version=3.0";
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    public static readonly string[] ConformsTo =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ];

    private static readonly HashSet<string> ItemParameters = ["bbox", "limit", "datetime", "after", "f"];

    public static IEndpointRouteBuilder MapDispatchOgc(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ogc", (HttpContext http) => Format(http) ?? Json(new
        {
            title = "Dispatch.Gis",
            description = "The 112 situational picture of Kazakhstan as OGC API – Features: territories, zones, dangerous objects, units, incidents.",
            links = new[]
            {
                Link(http, "/ogc", "self", JsonType, "this document"),
                Link(http, "/ogc/api", "service-desc", OpenApiType, "the API definition"),
                Link(http, "/ogc/conformance", "conformance", JsonType, "conformance classes"),
                Link(http, "/ogc/collections", "data", JsonType, "the collections"),
            },
        }));
        app.MapGet("/ogc/conformance", (HttpContext http) => Format(http) ?? Json(new { conformsTo = ConformsTo }));
        app.MapGet("/ogc/api", (HttpContext http) => Format(http) ?? Results.Text(OgcOpenApi.Document(Origin(http)), OpenApiType));
        app.MapGet("/ogc/collections", async (HttpContext http, NpgsqlDataSource db) =>
        {
            if (Format(http) is { } refusal)
            {
                return refusal;
            }

            var bounds = await TileDb.BoundsAsync(db, http.RequestAborted);
            return Json(new
            {
                links = new[] { Link(http, "/ogc/collections", "self", JsonType, "the collections") },
                collections = OgcCollections.All.Select(c => Describe(http, c, bounds)),
            });
        });
        app.MapGet("/ogc/collections/{collectionId}", async (string collectionId, HttpContext http, NpgsqlDataSource db) =>
            Format(http) ?? (OgcCollections.Find(collectionId) is { } c
                ? Json(Describe(http, c, await TileDb.BoundsAsync(db, http.RequestAborted)))
                : NoCollection(collectionId)));
        app.MapGet("/ogc/collections/{collectionId}/items", ItemsAsync);
        app.MapGet("/ogc/collections/{collectionId}/items/{featureId}", ItemAsync);
        return app;
    }

    private static async Task<IResult> ItemsAsync(string collectionId, HttpContext http, ReadRouting reads, IOptions<AuthOptions> auth,
        IOptions<PagingOptions> paging)
    {
        if (OgcCollections.Find(collectionId) is not { } c)
        {
            return NoCollection(collectionId);
        }

        var q = http.Request.Query;
        if (q.Keys.FirstOrDefault(k => !ItemParameters.Contains(k)) is { } unknown)
        {
            return Bad($"unknown query parameter '{unknown}'; items take {string.Join(", ", ItemParameters.Order(StringComparer.Ordinal))}");
        }

        if (Format(http) is { } formatRefusal)
        {
            return formatRefusal;
        }

        var (caller, refusal) = HttpCaller.Reader(http, auth.Value);
        if (refusal is not null)
        {
            return refusal;
        }

        OgcQuery query;
        try
        {
            query = new OgcQuery(c, caller!.Scope, ParseBBox(q["bbox"]), ParseDatetime(c, q["datetime"]), ParseLimit(q["limit"], paging.Value),
                q["after"] is { Count: > 0 } after ? after.ToString() : null);
            if (query.After is { } key && OgcSql.Key(c, key) is null)
            {
                return Bad("after is not a feature key of this collection");
            }
        }
        catch (BadUserInputException ex)
        {
            return Bad(ex.Message);
        }

        var page = await OgcDb.ItemsAsync(reads.For(caller!), query, http.RequestAborted);
        var links = new List<object>
        {
            Link(http, http.Request.Path + http.Request.QueryString, "self", GeoJsonType, "this page"),
            Link(http, $"/ogc/collections/{c.Id}", "collection", JsonType, c.Title),
        };
        if (page.HasNext)
        {
            var next = q.Where(p => p.Key != "after").ToDictionary(p => p.Key, p => p.Value.ToString());
            next["after"] = page.Features[^1].Id;
            next["limit"] = query.Limit.ToString(CultureInfo.InvariantCulture);
            links.Add(Link(http, $"/ogc/collections/{c.Id}/items" + QueryString.Create(next!), "next", GeoJsonType, "next page"));
        }

        return Results.Bytes(OgcJson.FeatureCollection(page.Features, page.NumberMatched, links), GeoJsonType);
    }

    private static async Task<IResult> ItemAsync(string collectionId, string featureId, HttpContext http, ReadRouting reads, IOptions<AuthOptions> auth)
    {
        if (OgcCollections.Find(collectionId) is not { } c)
        {
            return NoCollection(collectionId);
        }

        if (Format(http) is { } formatRefusal)
        {
            return formatRefusal;
        }

        var (caller, refusal) = HttpCaller.Reader(http, auth.Value);
        if (refusal is not null)
        {
            return refusal;
        }

        // Outside the token's territories a feature is as good as absent.
        var feature = OgcSql.Key(c, featureId) is { } key ? await OgcDb.ItemAsync(reads.For(caller!), c, caller!.Scope, key, http.RequestAborted) : null;
        if (feature is null)
        {
            return HttpCaller.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"no feature '{featureId}' in {c.Id}");
        }

        object[] links =
        [
            Link(http, $"/ogc/collections/{c.Id}/items/{Uri.EscapeDataString(featureId)}", "self", GeoJsonType, "this feature"),
            Link(http, $"/ogc/collections/{c.Id}", "collection", JsonType, c.Title),
        ];
        return Results.Bytes(OgcJson.Feature(feature, links), GeoJsonType);
    }

    private static object Describe(HttpContext http, OgcCollection c, double[] bounds) => new
    {
        id = c.Id,
        title = c.Title,
        description = c.Description,
        itemType = "feature",
        crs = new[] { Crs84 },
        extent = new
        {
            spatial = new { bbox = new[] { bounds }, crs = Crs84 },
            temporal = c.Temporal is null ? null : new { interval = new[] { new string?[] { null, null } }, trs = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" },
        },
        links = new[]
        {
            Link(http, $"/ogc/collections/{c.Id}", "self", JsonType, c.Title),
            Link(http, $"/ogc/collections/{c.Id}/items", "items", GeoJsonType, c.Title + " as GeoJSON"),
        },
    };

    internal static BoundingBox? ParseBBox(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split(',');
        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
            {
                throw new BadUserInputException($"bbox value '{parts[i]}' is not a number", "bbox");
            }
        }

        // Six numbers carry heights (minx, miny, minz, maxx, maxy, maxz); features here are flat.
        return BoundingBox.From(numbers.Length == 6 ? [numbers[0], numbers[1], numbers[3], numbers[4]] : numbers, "bbox");
    }

    internal static OgcInterval? ParseDatetime(OgcCollection c, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (c.Temporal is null)
        {
            throw new BadUserInputException($"datetime does not apply to {c.Id}: its features have no time", "datetime");
        }

        var ends = text.Split('/');
        if (ends.Length > 2)
        {
            throw new BadUserInputException("datetime must be an instant or start/end (either may be ..)", "datetime");
        }

        var start = Instant(ends[0]);
        var end = ends.Length == 2 ? Instant(ends[1]) : start;
        if (ends.Length == 2 && start is null && end is null)
        {
            throw new BadUserInputException("datetime ../.. selects nothing in particular; leave it out", "datetime");
        }

        if (start > end)
        {
            throw new BadUserInputException("datetime start is after its end", "datetime");
        }

        return new OgcInterval(start, end);

        static DateTime? Instant(string part) =>
            part is "" or ".." ? null
            : DateTimeOffset.TryParse(part, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime
            : throw new BadUserInputException($"datetime '{part}' is not an RFC 3339 date-time", "datetime");
    }

    /// <summary>Default 100; above the maximum the maximum applies (the standard says: not an error).</summary>
    internal static int ParseLimit(string? text, PagingOptions paging)
    {
        if (string.IsNullOrEmpty(text))
        {
            return paging.DefaultPageSize;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
        {
            throw new BadUserInputException("limit must be a positive integer", "limit");
        }

        return Math.Min(limit, paging.MaxPageSize);
    }

    /// <summary>Only JSON is offered; f=json (or geojson) is accepted for clients that always send it.</summary>
    private static IResult? Format(HttpContext http) =>
        http.Request.Query["f"] is { Count: > 0 } f && f.ToString() is not ("json" or "geojson")
            ? HttpCaller.Problem(StatusCodes.Status400BadRequest, ErrorCodes.BadUserInput, $"f={f} is not offered; this API answers JSON (f=json)")
            : null;

    private static IResult NoCollection(string id) =>
        HttpCaller.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"no collection '{id}'; /ogc/collections lists them");

    private static IResult Bad(string message) => HttpCaller.Problem(StatusCodes.Status400BadRequest, ErrorCodes.BadUserInput, message);

    private static IResult Json(object value) => Results.Json(value, Options, JsonType);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal static object Link(HttpContext http, string path, string rel, string type, string title) =>
        new { href = Origin(http) + path, rel, type, title };

    private static string Origin(HttpContext http) => TileEndpoints.Origin(http);
}
