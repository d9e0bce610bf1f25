#!/usr/bin/env python3
"""Where one request's time goes, by layer of the handler chain, from `perf script` output.

    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -F 2000 -g -o overhead.data -- \
        dotnet tests/GenResilience.Benchmarks/bin/Release/net10.0/GenResilience.Benchmarks.dll profile GenResilienceTwoKeys 15
    perf script -i overhead.data -F comm,tid,ip,sym > overhead.txt
    python3 tests/GenResilience.Benchmarks/profile-layers.py overhead.txt

Each sample of the request loop is charged to the innermost layer on its stack (a strategy, a handler), so a layer's
share is its own work plus Polly's hand-over to the next layer. Shares are of the samples in the loop; the "client"
layer (HttpClient and the factory's logging handlers) is the same code for every client, so the ratio of two
profiles' client shares compares their totals.
"""
import collections
import re
import sys

ROOT = re.compile(r'OverheadClients\+<SendAsync>d__\d+::MoveNext')
LAYERS = [
    ('client: HttpClient, logging scope', ROOT),
    ('ResilienceHandler, Polly pipeline', re.compile(r'ResilienceHandler\+<SendAsync>d__\d+::MoveNext')),
    ('GenResilience.Request', re.compile(r'RequestScopeStrategy(\+<|::)')),
    ('standard: rate limiter', re.compile(r'RateLimiterResilienceStrategy\+<ExecuteCore>')),
    ('total timeout', re.compile(r'TimeoutResilienceStrategy\+<ExecuteCore>d__\d+`2\[System.__Canon,System.ValueTuple`3')),
    ('Polly retry', re.compile(r'RetryResilienceStrategy`1\+<ExecuteCore>')),
    ('standard: circuit breaker', re.compile(r'CircuitBreakerResilienceStrategy`1\+<ExecuteCore>')),
    ('GenResilience.Retry (key acquisition)', re.compile(r'KeyAcquisitionStrategy(\+<|::)')),
    ('attempt timeout', re.compile(r'TimeoutResilienceStrategy\+<ExecuteCore>d__\d+`2\[System.__Canon,System.ValueTuple`2')),
    ('resilience handler callback, logging', re.compile(r'ResilienceHandler\+<>c\+<<SendAsync>b__\d+_\d+>d::MoveNext')),
    ('ApiKeyHandler', re.compile(r'ApiKeyHandler::SendAsync')),
    ('primary (in memory)', re.compile(r'CachedResponseHandler::SendAsync')),
]


def main(path):
    total = 0
    per_layer = collections.Counter()
    block = []

    def flush():
        nonlocal total
        frames = [line.strip().split(None, 1)[1] if len(line.strip().split(None, 1)) > 1 else '?' for line in block[1:]]
        root = next((i for i, f in enumerate(frames) if ROOT.search(f)), None)
        if root is None:
            return
        total += 1
        for frame in frames[:root + 1]:
            layer = next((name for name, pattern in LAYERS if pattern.search(frame)), None)
            if layer:
                per_layer[layer] += 1
                return

    with open(path, errors='replace') as lines:
        for line in lines:
            if line.strip():
                block.append(line)
            elif block:
                flush()
                block = []
    if block:
        flush()
    print(f'{total} samples in the request loop')
    for name, _ in LAYERS:
        if per_layer[name] >= total / 1000:
            print(f'{100 * per_layer[name] / total:5.1f}%  {name}')


if __name__ == '__main__':
    main(sys.argv[1])
