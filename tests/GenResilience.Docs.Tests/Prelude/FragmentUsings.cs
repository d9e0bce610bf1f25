// Fragments only (blocks without using directives of their own): the namespaces an app that uses GenResilience,
// ASP.NET Core, OpenTelemetry and, in its tests, xunit has in scope. A complete file in the docs states its own usings.
global using System.Diagnostics.Metrics;
global using System.Net;
global using System.Net.Http.Json;
global using GenResilience;
global using GenResilience.Redis;
global using GenResilience.Testing;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Diagnostics.HealthChecks;
global using Microsoft.AspNetCore.Http;
global using Microsoft.Extensions.AI;
global using Microsoft.Extensions.Configuration;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Diagnostics.HealthChecks;
global using Microsoft.Extensions.Diagnostics.Metrics.Testing;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Time.Testing;
global using OpenTelemetry;
global using OpenTelemetry.Logs;
global using OpenTelemetry.Metrics;
global using OpenTelemetry.Trace;
global using StackExchange.Redis;
global using Xunit;
