import os, signal, subprocess, time
from pathlib import Path
from tempfile import TemporaryDirectory
from brownie import web3
from crowdledger.chain.rpc import Rpc
from crowdledger.indexer.sync import Indexer
from scripts.bench_indexer import generate
from scripts.bench_store import fresh_index


def main(target: str = "200000") -> None:
    deployment, events = generate(int(target))
    for i in range(3):
        with TemporaryDirectory() as folder:
            engine = fresh_index(f"sqlite:///{Path(folder) / 'bench.db'}")
            indexer = Indexer(engine, Rpc(str(web3.provider.endpoint_uri), timeout=120), deployment)
            spy = None
            if i == 2:
                spy = subprocess.Popen(["/work/main/.venv/bin/py-spy", "record", "--gil", "-r", "200", "-f", "raw", "-o", "/tmp/sq.raw", "--pid", str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1.5)
            started, cpu = time.perf_counter(), time.process_time()
            indexer.run(follow=False)
            el, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"run {i}: {events/el:,.0f} ev/s, {cpu/events*1e6:.1f} us cpu/event")
            if spy:
                spy.send_signal(signal.SIGINT); spy.wait()
            engine.dispose()
