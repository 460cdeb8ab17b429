#include "intersynth/eval/evaluator_batch.h"

#include <map>

#include "intersynth/eval/evaluator.h"
#include "intersynth/motion/features_262.h"

namespace intersynth {

EvaluatorBatch ToEvaluatorBatch(const TrainingBatch& batch, const torch::Device& device) {
  const int64_t B = batch.batch, P = batch.persons, T = batch.rows;
  EvaluatorBatch out;
  const torch::Tensor values = torch::from_blob(const_cast<float*>(batch.values.data()),
                                                {B, P, T, InterGenLayout::kDim}, torch::kFloat32);
  out.features = DropFootContacts(values).contiguous().to(device);
  out.token_mask =
      torch::from_blob(const_cast<uint8_t*>(batch.token_mask.data()), {B, P, T}, torch::kUInt8)
          .to(torch::kBool)
          .to(device);
  out.person_ids =
      torch::from_blob(const_cast<int64_t*>(batch.person_ids.data()), {B, P}, torch::kLong)
          .clone()
          .to(device);
  out.texts = batch.texts;
  std::map<std::string, int64_t> ids;
  for (const std::string& text : batch.texts) {
    out.caption_ids.push_back(ids.emplace(text, static_cast<int64_t>(ids.size())).first->second);
  }
  return out;
}

Eigen::MatrixXd ToEigen(const torch::Tensor& embeddings) {
  TORCH_CHECK(embeddings.dim() == 2, "embeddings [N, D]");
  const torch::Tensor cpu = embeddings.detach().to(torch::kCPU, torch::kDouble).contiguous();
  Eigen::MatrixXd out(cpu.size(0), cpu.size(1));
  // Eigen's default storage is column-major: copy row by row.
  const double* data = cpu.data_ptr<double>();
  for (int64_t i = 0; i < cpu.size(0); ++i) {
    for (int64_t j = 0; j < cpu.size(1); ++j) out(i, j) = data[i * cpu.size(1) + j];
  }
  return out;
}

}  // namespace intersynth
