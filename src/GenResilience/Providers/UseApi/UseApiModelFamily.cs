namespace GenResilience;

/// <summary>The model families of UseAPI, each with its own endpoint and its own health.</summary>
public enum UseApiModelFamily
{
    /// <summary>LTX Studio's own models (LTXV, LTXV Turbo): <c>POST /v1/ltxstudio/videos/ltx-create</c>.</summary>
    Ltx = 0,

    /// <summary>Google Veo through LTX Studio (VEO2, VEO3, VEO3 Fast): <c>POST /v1/ltxstudio/videos/veo-create</c>.</summary>
    Veo,

    /// <summary>Google Veo through Google Flow (Veo 3.1): <c>POST /v1/google-flow/videos</c>.</summary>
    Flow,
}
