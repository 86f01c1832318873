// Applies pending migrations to the database under DATA_DIR.
import { openForScript } from './lib.ts'

const { config, database } = openForScript()
database.close()
console.log(`database under ${config.dataDir} is up to date`)
