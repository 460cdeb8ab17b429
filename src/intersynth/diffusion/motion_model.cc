#include "intersynth/diffusion/motion_model.h"

#include "intersynth/motion/features_262.h"

namespace intersynth {

TextEncoderOptions MakeTextEncoderOptions(const TextConfig& config,
                                          int64_t vocab_size,
                                          int64_t out_dim) {
  TextEncoderOptions options;
  options.vocab_size = vocab_size;
  options.d_model = config.d_model;
  options.layers = config.layers;
  options.heads = config.heads;
  options.ff_dim = config.ff_dim;
  options.max_tokens = config.max_tokens;
  options.dropout = config.dropout;
  options.out_dim = out_dim;
  return options;
}

MotionDiffusionImpl::MotionDiffusionImpl(const DiffusionConfig& config,
                                         Tokenizer tokenizer,
                                         const std::filesystem::path& base_dir)
    : config_(config), tokenizer_(std::move(tokenizer)) {
  if (!config.text.torchscript.empty()) {
    std::filesystem::path path = config.text.torchscript;
    if (path.is_relative() && !base_dir.empty()) path = base_dir / path;
    external_ = TorchScriptTextEncoder::Load(path);
    external_projection_ = register_module(
        "external_projection", torch::nn::Linear(external_->embedding_dim(), config.text.d_model));
  } else {
    text_encoder_ = register_module(
        "text_encoder", TextEncoder(MakeTextEncoderOptions(config.text, tokenizer_.vocab_size(),
                                                           config.text.d_model)));
  }
  null_text_ = register_parameter("null_text", torch::randn({config.text.d_model}) * 0.02);
  denoiser_ = register_module("denoiser",
                              Denoiser(config.model, InterGenLayout::kDim, config.text.d_model));
}

TextCondition CatTextConditions(const TextCondition& a, const TextCondition& b) {
  TextCondition out;
  out.pooled = torch::cat({a.pooled, b.pooled});
  if (!a.words.defined() && !b.words.defined()) return out;
  TORCH_CHECK(a.words.defined() && b.words.defined(), "CatTextConditions: words on one side only");
  const int64_t length = std::max(a.words.size(1), b.words.size(1));
  auto pad = [&](const torch::Tensor& x) {
    const int64_t missing = length - x.size(1);
    if (missing == 0) return x;
    std::vector<int64_t> shape = x.sizes().vec();
    shape[1] = missing;
    return torch::cat({x, torch::zeros(shape, x.options())}, 1);
  };
  out.words = torch::cat({pad(a.words), pad(b.words)});
  out.word_mask = torch::cat({pad(a.word_mask), pad(b.word_mask)});
  return out;
}

TextCondition MotionDiffusionImpl::NullText(int64_t batch) {
  TextCondition cond;
  cond.pooled = null_text_.unsqueeze(0).expand({batch, null_text_.size(0)});
  if (config_.model.word_tokens) {
    cond.words = torch::zeros({batch, 1, null_text_.size(0)}, null_text_.options());
    cond.word_mask = torch::zeros(
        {batch, 1}, torch::TensorOptions().dtype(torch::kBool).device(null_text_.device()));
  }
  return cond;
}

TextCondition MotionDiffusionImpl::EncodeText(const std::vector<std::string>& texts,
                                              const torch::Tensor& drop) {
  const int64_t batch = static_cast<int64_t>(texts.size());
  TORCH_CHECK(drop.dim() == 1 && drop.size(0) == batch, "texts [B] and drop [B]");
  const torch::Tensor drop_cpu = drop.to(torch::kCPU);
  // Encode only the rows that keep their text (a dropped row may be empty).
  std::vector<int64_t> rows;
  std::vector<std::string> kept;
  for (int64_t b = 0; b < batch; ++b) {
    if (drop_cpu[b].item<bool>()) continue;
    rows.push_back(b);
    kept.push_back(texts[b]);
  }
  TextCondition cond = NullText(batch);
  cond.pooled = cond.pooled.clone();
  if (rows.empty()) return cond;
  const torch::Device device = null_text_.device();
  const torch::Tensor index = torch::tensor(rows).to(device);
  if (external_) {
    cond.pooled =
        cond.pooled.index_copy(0, index, external_projection_(external_->Encode(kept).to(device)));
    return cond;
  }
  std::vector<std::vector<int64_t>> ids;
  for (const std::string& text : kept)
    ids.push_back(tokenizer_.Encode(text, static_cast<int>(config_.text.max_tokens)));
  const torch::Tensor padded = PadTokenBatch(ids, config_.text.max_tokens).to(device);
  if (!config_.model.word_tokens) {
    cond.pooled = cond.pooled.index_copy(0, index, text_encoder_(padded));
    return cond;
  }
  auto [pooled, words] = text_encoder_->ForwardWithWords(padded);
  cond.pooled = cond.pooled.index_copy(0, index, pooled);
  const int64_t length = padded.size(1);
  cond.words =
      torch::zeros({batch, length, words.size(2)}, words.options()).index_copy(0, index, words);
  cond.word_mask = torch::zeros({batch, length}, padded.options().dtype(torch::kBool))
                       .index_copy(0, index, padded.ne(0));
  return cond;
}

torch::Tensor MotionDiffusionImpl::forward(const torch::Tensor& x_t,
                                           const torch::Tensor& t,
                                           const TextCondition& cond,
                                           const torch::Tensor& token_mask,
                                           const torch::Tensor& person_ids) {
  return denoiser_->forward(x_t, t, cond.pooled, token_mask, person_ids, cond.words,
                            cond.word_mask);
}

void CopyWeights(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const auto source = from.named_parameters();
  for (auto& item : to.named_parameters()) item.value().copy_(source[item.key()]);
  const auto source_buffers = from.named_buffers();
  for (auto& item : to.named_buffers()) item.value().copy_(source_buffers[item.key()]);
}

void UpdateEma(torch::nn::Module& model, torch::nn::Module& ema, double decay) {
  torch::NoGradGuard no_grad;
  const auto source = model.named_parameters();
  for (auto& item : ema.named_parameters())
    item.value().mul_(decay).add_(source[item.key()], 1.0 - decay);
}

int64_t CountParameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace intersynth
