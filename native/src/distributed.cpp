// Data-parallel collectives over PyTorch's own c10d: a TCPStore for the rendezvous and a ProcessGroupGloo over it,
// set up exactly as torch.distributed.init_process_group("gloo") sets up its default group, so a C# rank and a Python
// rank can share one group.
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/autograd/custom_function.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "common.h"

namespace {

struct Group {
  c10::intrusive_ptr<c10d::Store> store;  // PrefixStore("default_pg") over the TCPStore
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int rank = 0;
  int world = 1;
  std::chrono::milliseconds timeout{0};
};

Group& G(osp_group g) {
  if (g == nullptr) throw std::invalid_argument("null process group handle");
  return *static_cast<Group*>(g);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, sep))
    if (!part.empty()) parts.push_back(part);
  return parts;
}

// The Gloo devices as torch's Python binding picks them (GLOO_SOCKET_IFNAME, else the host's default address), except
// that a loopback master means every rank is on this machine, so the ranks meet on 127.0.0.1.
std::vector<std::shared_ptr<gloo::transport::Device>> devices(const std::string& master) {
  std::vector<std::shared_ptr<gloo::transport::Device>> result;
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifname != nullptr && std::string(ifname).size() > 1) {
    for (const auto& name : split(ifname, ','))
      result.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
  } else if (is_loopback(master)) {
    result.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  } else {
    result.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  return result;
}

// torch.distributed's _store_based_barrier after init_process_group: every rank adds one to a key and waits until the
// count reaches the world size. The key names the group counter after the default group ("0") was made.
void store_barrier(Group& g) {
  const std::string key = "store_based_barrier_key:1";
  g.store->add(key, 1);
  const auto deadline = std::chrono::steady_clock::now() + g.timeout;
  int64_t count = g.store->add(key, 0);
  while (count != g.world) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::ostringstream message;
      message << "timed out after " << g.timeout.count() << " ms waiting for all ranks to join the process group: "
              << count << " of " << g.world << " arrived";
      throw std::runtime_error(message.str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    count = g.store->add(key, 0);
  }
}

// Runs a collective and waits for it: Gloo's own timeout (the group's) ends a stalled peer's collective; the wait's
// bound is only a backstop past it.
void run(Group& g, const c10::intrusive_ptr<c10d::Work>& work) {
  work->wait(g.timeout * 2 + std::chrono::milliseconds(1000));
}

std::vector<at::Tensor> tensors(const osp_tensor* handles, int64_t n) {
  if (n < 1) throw std::invalid_argument("a collective needs at least one tensor");
  std::vector<at::Tensor> result;
  result.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    auto& t = osp::T(handles[i]);
    if (!t.device().is_cpu()) throw std::invalid_argument("the Gloo process group takes CPU tensors");
    if (i > 0 && t.scalar_type() != result[0].scalar_type())
      throw std::invalid_argument("tensors of one collective must share a dtype");
    result.push_back(t);
  }
  return result;
}

// One collective over one contiguous buffer holding every tensor (a bucket), then the results copied back in place.
template <typename Collective>
void in_place(const std::vector<at::Tensor>& ts, Collective collective) {
  at::NoGradGuard no_grad;
  if (ts.size() == 1 && ts[0].is_contiguous()) {
    std::vector<at::Tensor> one{ts[0]};
    collective(one);
    return;
  }
  std::vector<at::Tensor> flat;
  flat.reserve(ts.size());
  for (const auto& t : ts) flat.push_back(t.reshape({-1}));
  std::vector<at::Tensor> buffer{at::cat(flat)};
  collective(buffer);
  int64_t offset = 0;
  for (const auto& t : ts) {
    const int64_t n = t.numel();
    const_cast<at::Tensor&>(t).copy_(buffer[0].narrow(0, offset, n).view(t.sizes()));
    offset += n;
  }
}

c10d::ReduceOp reduce_op(int32_t op) {
  switch (op) {
    case OSP_REDUCE_SUM:
    case OSP_REDUCE_AVG: return c10d::ReduceOp::SUM;
    case OSP_REDUCE_PRODUCT: return c10d::ReduceOp::PRODUCT;
    case OSP_REDUCE_MIN: return c10d::ReduceOp::MIN;
    case OSP_REDUCE_MAX: return c10d::ReduceOp::MAX;
    default: throw std::invalid_argument("unknown reduce op " + std::to_string(op));
  }
}


// torch.nn.SyncBatchNorm's function (CUDA-only in torch 1.13, so written here over c10d): the forward normalises with
// the statistics of the whole global batch (each rank's count, mean and sum of squared deviations gathered and
// combined as Chan et al.'s parallel variance), the backward all-reduces the per-channel sums of dy and dy*(x - mean)
// so each rank's input gradient is that of the global batch; weight and bias get this rank's share (DDP averages them).
struct SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, Group* group, at::Tensor running_mean, at::Tensor running_var,
                            double momentum, double eps) {
    const auto x = input.contiguous();
    const int64_t channels = x.size(1);
    std::vector<int64_t> dims{0};
    for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
    const int64_t count = x.numel() / std::max<int64_t>(channels, 1);
    auto local = at::zeros({1 + 2 * channels}, x.options().dtype(at::kDouble));
    if (count > 0) {
      auto mean = x.mean(dims).to(at::kDouble);
      auto m2 = (x - mean.to(x.scalar_type()).view(shape(x, channels))).square().sum(dims).to(at::kDouble);
      local.narrow(0, 1, channels).copy_(mean);
      local.narrow(0, 1 + channels, channels).copy_(m2);
    }
    local[0] = static_cast<double>(count);
    std::vector<std::vector<at::Tensor>> gathered(1);
    for (int i = 0; i < group->world; ++i) gathered[0].push_back(at::empty_like(local));
    std::vector<at::Tensor> inputs{local};
    run(*group, group->pg->allgather(gathered, inputs));
    auto all = at::stack(gathered[0]);                       // [world, 1 + 2C]
    auto counts = all.select(1, 0).unsqueeze(1);             // [world, 1]
    const double total = counts.sum().item<double>();
    if (total < 1) throw std::invalid_argument("SyncBatchNorm: the global batch is empty");
    auto means = all.narrow(1, 1, channels);
    auto mean = (means * counts).sum(0) / total;
    auto m2 = (all.narrow(1, 1 + channels, channels) + counts * (means - mean).square()).sum(0);
    auto var = m2 / total;
    auto invstd = (var + eps).rsqrt();
    if (running_mean.defined()) {
      at::NoGradGuard no_grad;
      running_mean.mul_(1 - momentum).add_(mean.to(running_mean.scalar_type()), momentum);
      auto unbiased = total > 1 ? m2 / (total - 1) : var;
      running_var.mul_(1 - momentum).add_(unbiased.to(running_var.scalar_type()), momentum);
    }
    auto mean_x = mean.to(x.scalar_type());
    auto invstd_x = invstd.to(x.scalar_type());
    auto out = (x - mean_x.view(shape(x, channels))) * invstd_x.view(shape(x, channels));
    if (weight.defined()) out = out * weight.view(shape(x, channels));
    if (bias.defined()) out = out + bias.view(shape(x, channels));
    ctx->save_for_backward({x, weight, mean_x, invstd_x});
    ctx->saved_data["group"] = reinterpret_cast<int64_t>(group);
    ctx->saved_data["total"] = total;
    ctx->saved_data["has_bias"] = bias.defined();
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    const auto& mean = saved[2];
    const auto& invstd = saved[3];
    auto* group = reinterpret_cast<Group*>(ctx->saved_data["group"].toInt());
    const double total = ctx->saved_data["total"].toDouble();
    const int64_t channels = x.size(1);
    std::vector<int64_t> dims{0};
    for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
    auto dy = grads[0].contiguous();
    auto xmu = x - mean.view(shape(x, channels));
    auto sum_dy = dy.sum(dims);
    auto sum_dy_xmu = (dy * xmu).sum(dims);
    at::Tensor grad_weight, grad_bias;
    if (weight.defined()) grad_weight = sum_dy_xmu * invstd;
    if (ctx->saved_data["has_bias"].toBool()) grad_bias = sum_dy.clone();
    std::vector<at::Tensor> combined{at::cat({sum_dy, sum_dy_xmu})};
    run(*group, group->pg->allreduce(combined));
    auto global_dy = combined[0].narrow(0, 0, channels) / total;
    auto global_dy_xmu = combined[0].narrow(0, channels, channels) / total;
    auto scale = weight.defined() ? invstd * weight : invstd;
    auto grad_input = (dy - global_dy.view(shape(x, channels)) -
                       xmu * (invstd.square() * global_dy_xmu).view(shape(x, channels))) *
                      scale.view(shape(x, channels));
    return {grad_input, grad_weight, grad_bias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }

  static std::vector<int64_t> shape(const at::Tensor& x, int64_t channels) {
    std::vector<int64_t> s(x.dim(), 1);
    s[1] = channels;
    return s;
  }
};

}  // namespace

extern "C" {

int osp_dist_init(const char* host, int32_t port, int32_t is_master, int32_t rank, int32_t world_size,
                  int64_t timeout_ms, int64_t join_timeout_ms, osp_group* out) {
  OSP_GUARD({
    *out = nullptr;
    if (host == nullptr || *host == '\0') throw std::invalid_argument("master address is empty");
    if (port < 1 || port > 65535) throw std::invalid_argument("master port " + std::to_string(port) + " is not in 1..65535");
    if (world_size < 1) throw std::invalid_argument("world size " + std::to_string(world_size) + " is below 1");
    if (rank < 0 || rank >= world_size)
      throw std::invalid_argument("rank " + std::to_string(rank) + " is not in 0.." + std::to_string(world_size - 1));
    if (timeout_ms < 1 || join_timeout_ms < 1) throw std::invalid_argument("timeouts must be positive");

    auto group = std::make_unique<Group>();
    group->rank = rank;
    group->world = world_size;
    group->timeout = std::chrono::milliseconds(join_timeout_ms);  // the rendezvous' bound, until every rank is in

    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(port);
    store_options.isServer = is_master != 0;
    store_options.numWorkers = static_cast<std::size_t>(world_size);
    store_options.waitWorkers = true;
    store_options.timeout = std::chrono::milliseconds(join_timeout_ms);
    store_options.multiTenant = true;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(std::string(host), store_options);

    group->store = c10::make_intrusive<c10d::PrefixStore>("default_pg", tcp);
    auto pg_store = c10::make_intrusive<c10d::PrefixStore>("0", group->store);
    auto options = c10d::ProcessGroupGloo::Options::create(std::chrono::milliseconds(timeout_ms));
    options->devices = devices(host);
    options->threads = static_cast<int>(options->devices.size()) * 2;
    group->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(pg_store, rank, world_size, options);

    store_barrier(*group);
    group->pg->setSequenceNumberForGroup();
    group->timeout = std::chrono::milliseconds(timeout_ms);  // from now on every store and collective wait
    tcp->setTimeout(group->timeout);
    *out = group.release();
  })
}

int osp_dist_free(osp_group g) {
  OSP_GUARD(delete static_cast<Group*>(g))
}

int osp_dist_all_reduce(osp_group g, const osp_tensor* handles, int64_t n, int32_t op) {
  OSP_GUARD({
    auto& group = G(g);
    c10d::AllreduceOptions options;
    options.reduceOp = reduce_op(op);
    auto ts = tensors(handles, n);
    in_place(ts, [&](std::vector<at::Tensor>& buffer) {
      run(group, group.pg->allreduce(buffer, options));
      if (op == OSP_REDUCE_AVG) buffer[0].div_(group.world);
    });
  })
}

int osp_dist_broadcast(osp_group g, const osp_tensor* handles, int64_t n, int32_t root) {
  OSP_GUARD({
    auto& group = G(g);
    if (root < 0 || root >= group.world)
      throw std::invalid_argument("broadcast root " + std::to_string(root) + " is not a rank of a world of " +
                                  std::to_string(group.world));
    c10d::BroadcastOptions options;
    options.rootRank = root;
    auto ts = tensors(handles, n);
    in_place(ts, [&](std::vector<at::Tensor>& buffer) { run(group, group.pg->broadcast(buffer, options)); });
  })
}

int osp_dist_all_gather(osp_group g, osp_tensor input, osp_tensor* out) {
  OSP_GUARD({
    *out = nullptr;
    auto& group = G(g);
    at::NoGradGuard no_grad;
    auto local = tensors(&input, 1)[0].contiguous();
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int i = 0; i < group.world; ++i) outputs[0].push_back(at::empty_like(local));
    std::vector<at::Tensor> inputs{local};
    run(group, group.pg->allgather(outputs, inputs));
    *out = osp::wrap(at::stack(outputs[0]));
  })
}

int osp_dist_barrier(osp_group g) {
  OSP_GUARD({
    auto& group = G(g);
    run(group, group.pg->barrier());
  })
}

int osp_dist_sync_batch_norm(osp_group g, osp_tensor input, osp_tensor weight, osp_tensor bias, osp_tensor running_mean,
                             osp_tensor running_var, double momentum, double eps, osp_tensor* out) {
  OSP_GUARD({
    *out = nullptr;
    auto& group = G(g);
    auto& x = osp::T(input);
    if (x.dim() < 2) throw std::invalid_argument("SyncBatchNorm expects (N, C, ...) input");
    if (!x.device().is_cpu()) throw std::invalid_argument("the Gloo process group takes CPU tensors");
    auto opt = [](osp_tensor t) { return t == nullptr ? at::Tensor() : osp::T(t); };
    if ((running_mean == nullptr) != (running_var == nullptr))
      throw std::invalid_argument("SyncBatchNorm: running_mean and running_var come together");
    *out = osp::wrap(SyncBatchNormFunction::apply(x, opt(weight), opt(bias), &group, opt(running_mean), opt(running_var),
                                                  momentum, eps));
  })
}

}  // extern "C"
