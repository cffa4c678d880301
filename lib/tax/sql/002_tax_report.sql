-- Kinds of declaration: 1 the monthly withholding declaration, 2 the quarterly income
-- information report of State Council Decree 810 (period "YYYY-Qn").
ALTER TABLE fw_tax_declaration ADD COLUMN kind INTEGER NOT NULL DEFAULT 1;
