using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Dispatch.Gis.Auth;

/// <summary>
/// Validates a bearer token outside the HTTP pipeline (the WebSocket's connection_init payload) with exactly the
/// parameters the JwtBearer handler uses, including an Authority's current signing keys.
/// </summary>
internal sealed class TokenValidator(IOptionsMonitor<JwtBearerOptions> jwtOptions)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<(ClaimsPrincipal Principal, DateTime ExpiresUtc)?> ValidateAsync(string token, CancellationToken ct)
    {
        var jwt = jwtOptions.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = jwt.TokenValidationParameters.Clone();
        if (jwt.ConfigurationManager is { } manager)
        {
            var configuration = await manager.GetConfigurationAsync(ct);
            parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], configuration.Issuer];
            parameters.IssuerSigningKeys = configuration.SigningKeys;
            parameters.ValidAudience ??= jwt.Audience;
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return null;
        }

        return (new ClaimsPrincipal(result.ClaimsIdentity), result.SecurityToken.ValidTo);
    }
}
