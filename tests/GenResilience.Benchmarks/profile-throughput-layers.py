#!/usr/bin/env python3
"""Where the CPU of the throughput scenario goes, by layer, from `perf script` output of `profile-throughput`.

    dotnet build -c Release tests/GenResilience.Benchmarks
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -D 23000 -F 999 -g -o ours.data -- \
        dotnet tests/GenResilience.Benchmarks/bin/Release/net10.0/GenResilience.Benchmarks.dll profile-throughput GenResilience 32 15
    perf script -i ours.data -F comm,tid,ip,sym,dso > ours.txt
    python3 tests/GenResilience.Benchmarks/profile-throughput-layers.py plain.txt standard.txt ours.txt

(-D 23000 starts sampling after the loop's 20 s warm-up.) On sockets most of a request's work runs in continuations,
not under the caller's stack, so every sample is charged to the innermost layer found on its own stack, whatever the
thread (a kernel frame to the layer that made the system call). The figures are per 100 samples of the endpoint
(Kestrel and its handler): the same work for one request whichever client sent it, so the columns compare the
clients' cost per request, and a load that slows the whole process in one profile cancels out.
"""
import collections
import re
import sys

LAYERS = [(name, re.compile(pattern)) for name, pattern in [
    ('endpoint: Kestrel (the yardstick)', r'Microsoft\.AspNetCore|MinimalEndpoint|System\.IO\.Pipelines'),
    ('DeadlineBoundContent', r'DeadlineBoundContent'),
    ('ApiKeyHandler', r'ApiKeyHandler'),
    ('key pool, admission', r'GenResilience\.Keys\.Internal\.(ApiKeyPool|KeyAdmission|KeySlot|AdaptiveRate|InMemory)'),
    ('primary handler, connection', r'System\.Net\.Http\.(HttpConnection|SocketsHttpHandler|HttpClientHandler|HttpConnectionPool|'
                                    r'HttpContentReadStream|ContentLengthReadStream|DiagnosticsHandler|RedirectHandler|'
                                    r'ConnectHelper|HttpConnectionResponseContent|HttpConnectionBase)'),
    ('resilience handler callback', r'ResilienceHandler\+<>c'),
    ('Polly timeouts (total, attempt)', r'TimeoutResilienceStrategy'),
    ('GenResilience.Retry (key acquisition)', r'KeyAcquisitionStrategy|GenerationPipeline|GenerationOutcomeClassifier'),
    ('GenResilience.Request', r'RequestScopeStrategy|RequestState|GenerationRequestSettings'),
    ('standard: retry, circuit breaker, rate limiter', r'RetryResilienceStrategy|CircuitBreaker|RateLimiter|ConcurrencyLimiter'),
    ('Polly telemetry', r'Polly\.Telemetry'),
    ('Polly pipeline, ResilienceHandler', r'Polly\.|Microsoft\.Extensions\.Http\.Resilience|Microsoft\.Extensions\.Resilience'),
    ('factory logging handlers', r'Microsoft\.Extensions\.Http\.Logging'),
    ('HttpClient, content, headers', r'System\.Net\.Http\.(HttpClient|HttpMessageInvoker|HttpContent|HttpMessageHandler|DelegatingHandler|Headers)'),
    ('caller', r'ThroughputClient|ThroughputProfileLoop'),
    ('socket engine', r'System\.Net\.Sockets'),
]]
YARDSTICK = LAYERS[0][0]


def samples(path):
    frames = None
    with open(path, errors='replace') as lines:
        for line in lines:
            if line and not line[0].isspace():
                if frames is not None:
                    yield frames
                frames = []
            elif line.strip() and frames is not None:
                frames.append(line.strip())
    if frames is not None:
        yield frames


def layer(frames):
    for frame in frames:
        for name, pattern in LAYERS:
            if pattern.search(frame):
                return name
    if frames and 'kallsyms' in frames[0]:
        return 'other: kernel'
    if frames and 'libclrjit' in frames[0]:
        return 'other: JIT'
    return 'other: runtime, thread pool'


def main(paths):
    counts = {path: collections.Counter(layer(frames) for frames in samples(path)) for path in paths}
    names = [name for name, _ in LAYERS] + ['other: kernel', 'other: runtime, thread pool', 'other: JIT']
    print('per 100 endpoint samples | ' + ' | '.join(paths))
    for name in names:
        print(f'{name:48} | ' + ' | '.join(f'{100 * counts[p][name] / counts[p][YARDSTICK]:8.1f}' for p in paths))
    print(f'{"total":48} | ' + ' | '.join(f'{100 * sum(counts[p].values()) / counts[p][YARDSTICK]:8.1f}' for p in paths))


if __name__ == '__main__':
    main(sys.argv[1:])
