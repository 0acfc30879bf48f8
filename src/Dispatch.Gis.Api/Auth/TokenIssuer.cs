using System.Text;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dispatch.Gis.Auth;

/// <summary>Signs tokens with the configured local key: for development, demos and tests (the `token` command).</summary>
internal sealed class TokenIssuer(IOptions<AuthOptions> options)
{
    public string Issue(string subject, Role role, IEnumerable<string> territories, string? name = null, string? serviceId = null,
        IEnumerable<string>? sources = null, TimeSpan? lifetime = null)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.SigningKey))
        {
            throw new InvalidOperationException($"{AuthOptions.Section}:SigningKey is not set; tokens come from the Authority instead.");
        }

        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["name"] = name ?? subject,
            [Caller.RoleClaim] = DbEnum.Text(role),
            [Caller.TerritoriesClaim] = territories.ToArray(),
        };
        if (serviceId is not null)
        {
            claims[Caller.ServiceClaim] = serviceId;
        }

        if (sources is not null)
        {
            claims[Caller.SourcesClaim] = sources.ToArray();
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? o.DefaultTokenLifetime),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(o.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
