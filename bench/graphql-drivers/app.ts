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
import { AddressInfo } from 'node:net';

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

// Same content as the bare-Fastify payload in bench/bare-fastify.server.mjs: ~2 KB of JSON.
const ARTICLE: Article = {
  id: '7d3f2c1e-5b8a-4c6d-9e0f-1a2b3c4d5e6f',
  slug: 'how-to-reset-your-password',
  title: 'How to reset your password',
  summary: 'Step-by-step instructions for resetting a forgotten password from the sign-in page or the account settings.',
  body: 'Open the sign-in page and choose "Forgot password". Enter the e-mail address of your account; a reset link valid for one hour is sent to it. Follow the link, choose a new password of at least twelve characters and confirm it. '.repeat(2),
  status: 'PUBLISHED',
  locale: 'en',
  canonicalUrl: 'https://help.example.com/en/articles/how-to-reset-your-password',
  tags: ['account', 'security', 'password', 'sign-in', 'troubleshooting'],
  authorName: 'Documentation Team',
  createdAt: '2025-01-15T09:30:00.000Z',
  updatedAt: '2025-06-02T14:05:00.000Z',
  sections: Array.from({ length: 10 }, (_, i) => ({
    id: `sec-${i + 1}`,
    heading: `Section ${i + 1}: configuring the widget`,
    anchor: `section-${i + 1}`,
    wordCount: 120 + i * 7,
  })),
};

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
