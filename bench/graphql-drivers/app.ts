// A tiny Nest + Fastify GraphQL app for the driver benchmark (bench/graphql-drivers.bench.mjs).
//   node -r ts-node/register/transpile-only bench/graphql-drivers/app.ts <mercurius|apollo>
// Listens on 127.0.0.1:$PORT (0 = any free port) and reports { ready, port } to its parent over IPC.
// Both variants share the same code-first schema; only the GraphQL driver differs.
import 'reflect-metadata';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Field, GraphQLModule, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

@ObjectType()
class Section {
  @Field(() => String) id: string;
  @Field(() => String) heading: string;
  @Field(() => String) anchor: string;
  @Field(() => Int) wordCount: number;
}

@ObjectType()
class Article {
  @Field(() => String) id: string;
  @Field(() => String) slug: string;
  @Field(() => String) title: string;
  @Field(() => String) summary: string;
  @Field(() => String) body: string;
  @Field(() => String) status: string;
  @Field(() => String) locale: string;
  @Field(() => String) canonicalUrl: string;
  @Field(() => [String]) tags: string[];
  @Field(() => String) authorName: string;
  @Field(() => String) createdAt: string;
  @Field(() => String) updatedAt: string;
  @Field(() => [Section]) sections: Section[];
}

// The same ~2 KB article the bare-Fastify baseline answers with.
const ARTICLE: Article = JSON.parse(readFileSync(join(__dirname, '..', 'article-2kb.json'), 'utf8'));

@Resolver()
class BenchResolver {
  @Query(() => String)
  hello(): string {
    return 'world';
  }

  @Query(() => Article)
  article(): Article {
    return ARTICLE;
  }
}

const graphqlModules = {
  mercurius: GraphQLModule.forRoot<MercuriusDriverConfig>({
    driver: MercuriusDriver,
    autoSchemaFile: true,
    graphiql: false,
  }),
  apollo: GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    autoSchemaFile: true,
    playground: false,
    graphiql: false,
  }),
};

async function main(): Promise<void> {
  const driver = process.argv[2] as keyof typeof graphqlModules;
  if (!(driver in graphqlModules)) throw new Error(`usage: app.ts <${Object.keys(graphqlModules).join('|')}>`);

  @Module({ imports: [graphqlModules[driver]], providers: [BenchResolver] })
  class BenchModule {}

  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), { logger: false });
  app.enableShutdownHooks(['SIGTERM']);
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  if (process.send) process.send({ ready: true, driver, port });
  else console.log(`${driver} listening on http://127.0.0.1:${port}/graphql`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
