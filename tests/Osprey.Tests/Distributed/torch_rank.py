"""One torch.distributed Gloo rank for the interoperability test (tests/Osprey.Tests/Distributed/InteropTests.cs).

Runs the collectives of tests/Osprey.Distributed.Worker/CollectiveScenario.cs in the same order on the same values, so
it can take any rank of a group shared with Osprey ranks. Run with Debian's PyTorch:

    /usr/bin/python3 torch_rank.py RANK WORLD_SIZE PORT TIMEOUT_SECONDS

It joins tcp://127.0.0.1:PORT and prints READY, then RESULT {json}.
"""
import json
import sys
from datetime import timedelta

import torch
import torch.distributed as dist


def main():
    rank, world, port, timeout = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world,
                            timeout=timedelta(seconds=timeout))
    print("READY", flush=True)
    r = float(rank)
    result = {}

    t = torch.tensor([r + 1, 10 * (r + 1), -0.5 * (r + 1)])
    dist.all_reduce(t, dist.ReduceOp.SUM)
    result["sum"] = t.tolist()

    t = torch.tensor([r, 2 * r + 1])
    dist.all_reduce(t, dist.ReduceOp.SUM)
    result["avg"] = (t / world).tolist()

    t = torch.tensor([rank, -rank], dtype=torch.int64)
    dist.all_reduce(t, dist.ReduceOp.MAX)
    result["max"] = t.tolist()

    # Osprey's bucket: the tensors flattened (a view's elements in its own order) into one buffer.
    matrix = torch.tensor([[r, r + 1, r + 2], [r + 3, r + 4, r + 5]])
    vector = torch.tensor([100 * r, 1, 2, 3])
    column = matrix.t()
    flat = torch.cat([column.reshape(-1), vector])
    dist.all_reduce(flat, dist.ReduceOp.SUM)
    column.copy_(flat[:6].view(3, 2))
    vector.copy_(flat[6:])
    result["bucket_matrix"] = matrix.reshape(-1).tolist()
    result["bucket_vector"] = vector.tolist()

    t = torch.tensor([r * 7 + 1, r * 7 + 2])
    dist.broadcast(t, src=world - 1)
    result["broadcast"] = t.tolist()

    flat = torch.tensor([r, r, r * 3])
    dist.broadcast(flat, src=0)
    result["broadcast_bucket"] = flat.tolist()

    local = torch.tensor([rank, rank * rank, 5], dtype=torch.int64)
    parts = [torch.empty_like(local) for _ in range(world)]
    dist.all_gather(parts, local)
    gathered = torch.stack(parts)
    result["gather_shape"] = list(gathered.shape)
    result["gather"] = gathered.reshape(-1).tolist()

    dist.barrier()
    print("RESULT " + json.dumps(result), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
